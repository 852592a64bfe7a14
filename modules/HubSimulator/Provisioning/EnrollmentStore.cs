using System.Text.Json;
using HubSimulator.Registry;

namespace HubSimulator.Provisioning;

/// <summary>
/// The DPS instance's enrollments; thread-safe, saved beside the registry's state file (<c>enrollments.json</c>)
/// after every change, by rename so a crash leaves the old file or the new one.
/// </summary>
public sealed class EnrollmentStore
{
    static readonly JsonSerializerOptions FileJson = new() { WriteIndented = true };

    readonly Lock gate = new();
    readonly EnrollmentState state;
    readonly string? file;
    readonly DeviceRegistry registry;

    /// <summary>Creates the store, loading <paramref name="file"/> when it exists.</summary>
    public EnrollmentStore(DeviceRegistry registry, string? file)
    {
        this.registry = registry;
        this.file = string.IsNullOrWhiteSpace(file) ? null : file;
        state = this.file is not null && File.Exists(this.file)
            ? JsonSerializer.Deserialize<EnrollmentState>(File.ReadAllText(this.file), FileJson) ?? new EnrollmentState()
            : new EnrollmentState();
    }

    /// <summary>The file next to the registry's state file.</summary>
    public static string FileBeside(string stateFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(stateFile))!, "enrollments.json");

    /// <summary>Adds a group; its CA must be registered (verification is checked at each registration).</summary>
    public EnrollmentGroup AddGroup(AddGroupRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        DeviceIds.Check(request.GroupId, "groupId");
        if (!registry.HasCa(request.CaName))
        {
            throw new RegistryException(404, $"No CA named '{request.CaName}' is registered; upload and verify it first (ca add, ca code, ca verify).");
        }

        var group = new EnrollmentGroup { GroupId = request.GroupId, CaName = request.CaName, Enabled = request.Enabled };
        lock (gate)
        {
            if (state.Groups.Any(g => g.GroupId == request.GroupId))
            {
                throw new RegistryException(409, $"An enrollment group named '{request.GroupId}' exists; choose another name.");
            }

            state.Groups.Add(group);
            Save();
        }

        return group;
    }

    /// <summary>Adds an individual enrollment.</summary>
    public IndividualEnrollment AddIndividual(AddIndividualRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        DeviceIds.Check(request.RegistrationId, "registrationId");
        if (request.DeviceId is not null)
        {
            DeviceIds.Check(request.DeviceId, "deviceId");
        }

        var thumbprint = request.Thumbprint?.Replace(":", "", StringComparison.Ordinal).Trim().ToUpperInvariant() ?? "";
        if (thumbprint.Length is not (40 or 64) || !thumbprint.All(Uri.IsHexDigit))
        {
            throw new RegistryException(400, "thumbprint must be the device certificate's SHA-1 (40 hex) or SHA-256 (64 hex) thumbprint; `cert inspect` prints both.");
        }

        var individual = new IndividualEnrollment { RegistrationId = request.RegistrationId, Thumbprint = thumbprint, DeviceId = request.DeviceId, Enabled = request.Enabled };
        lock (gate)
        {
            if (state.Individuals.Any(i => i.RegistrationId == request.RegistrationId))
            {
                throw new RegistryException(409, $"An individual enrollment for '{request.RegistrationId}' exists.");
            }

            state.Individuals.Add(individual);
            Save();
        }

        return individual;
    }

    /// <summary>Enables or disables a group.</summary>
    public EnrollmentGroup SetGroupEnabled(string groupId, bool enabled)
    {
        lock (gate)
        {
            var group = state.Groups.FirstOrDefault(g => g.GroupId == groupId)
                ?? throw new RegistryException(404, $"No enrollment group named '{groupId}'.");
            group.Enabled = enabled;
            Save();
            return group;
        }
    }

    /// <summary>Enables or disables an individual enrollment.</summary>
    public IndividualEnrollment SetIndividualEnabled(string registrationId, bool enabled)
    {
        lock (gate)
        {
            var individual = state.Individuals.FirstOrDefault(i => i.RegistrationId == registrationId)
                ?? throw new RegistryException(404, $"No individual enrollment for '{registrationId}'.");
            individual.Enabled = enabled;
            Save();
            return individual;
        }
    }

    /// <summary>A copy of every enrollment.</summary>
    public EnrollmentState Snapshot()
    {
        lock (gate)
        {
            return new EnrollmentState { Groups = [.. state.Groups], Individuals = [.. state.Individuals] };
        }
    }

    void Save()
    {
        if (file is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var temporary = file + ".new";
        File.WriteAllText(temporary, JsonSerializer.Serialize(state, FileJson));
        File.Move(temporary, file, overwrite: true);
    }
}
