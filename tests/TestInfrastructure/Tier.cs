namespace TestInfrastructure;

/// <summary>
/// The test tiers. A test that starts a process, a broker, a TLS server on a socket, a browser or qemu, or mounts a disk
/// is marked <c>[Trait(Tier.Name, Tier.Integration)]</c>; the rest is the fast tier:
/// <c>dotnet test EdgeSensorModule.sln -c Release --filter "Tier!=Integration"</c>.
/// </summary>
public static class Tier
{
    /// <summary>The trait's name, as the <c>--filter</c> expression names it.</summary>
    public const string Name = "Tier";

    /// <summary>Tests that need real peers, processes or root.</summary>
    public const string Integration = "Integration";
}
