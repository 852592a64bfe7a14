namespace HubSimulator.Cli;

/// <summary>What every verb returns, so that scripts can tell a mistake in the command from a refusal by the hub.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The simulator (or the admin API, a chain check, the demo's module) refused or failed; the command itself was well formed.</summary>
    public const int Failed = 1;

    /// <summary>A usage error: unknown verb or option, a missing or malformed value, a setting the simulator cannot start with.</summary>
    public const int Usage = 2;
}
