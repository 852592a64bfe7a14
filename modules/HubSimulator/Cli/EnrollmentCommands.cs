using System.CommandLine;
using System.Net.Http.Json;
using HubSimulator.Provisioning;

namespace HubSimulator.Cli;

/// <summary>The <c>enrollment</c> verb: the DPS endpoint's enrollments (the DPS portal's "Manage enrollments").</summary>
public static class EnrollmentCommands
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var enrollment = new Command("enrollment", "DPS enrollments: groups (a verified CA, root or intermediate) and individual devices (a certificate thumbprint).");
        var group = CliOptions.Required("--group", "The enrollment group's name.", "NAME");
        var ca = CliOptions.Required("--ca", "A CA registered and verified in the hub (ca add, ca code, ca verify).", "NAME");
        var id = CliOptions.Required("--id", "The registration id (the certificate's CN).", "ID");
        var thumbprint = CliOptions.Required("--thumbprint", "The device certificate's SHA-1 or SHA-256 thumbprint (cert inspect prints both).", "SHA");
        var disabled = new Option<bool>("--disabled") { Description = "Create it disabled (its devices are refused)." };
        enrollment.Subcommands.Add(AdminRequest.Create("group", "Create an enrollment group: devices whose chain reaches the CA are provisioned under their CN.",
            (p, http, c) => http.PostAsJsonAsync("/enrollments/groups", new AddGroupRequest(p.GetRequiredValue(group), p.GetRequiredValue(ca), !p.GetValue(disabled)), c), group, ca, disabled));
        enrollment.Subcommands.Add(AdminRequest.Create("individual", "Create an individual enrollment for one device certificate.",
            (p, http, c) => http.PostAsJsonAsync("/enrollments/individuals", new AddIndividualRequest(p.GetRequiredValue(id), p.GetRequiredValue(thumbprint), Enabled: !p.GetValue(disabled)), c), id, thumbprint, disabled));
        var groupToSwitch = CliOptions.Required("--group", "The enrollment group's name.", "NAME");
        enrollment.Subcommands.Add(AdminRequest.Create("disable", "Disable an enrollment group: its devices are refused at their next registration.",
            (p, http, c) => http.PatchAsJsonAsync($"/enrollments/groups/{AdminRequest.Escape(p.GetRequiredValue(groupToSwitch))}", new EnrollmentSwitch(false), c), groupToSwitch));
        enrollment.Subcommands.Add(AdminRequest.Create("list", "List the enrollments.", (_, http, c) => http.GetAsync(AdminRequest.Path("/enrollments"), c)));
        return enrollment;
    }
}
