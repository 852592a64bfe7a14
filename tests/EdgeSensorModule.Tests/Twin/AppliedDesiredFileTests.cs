using EdgeSensorModule.Twin;

namespace EdgeSensorModule.Tests.Twin;

public sealed class AppliedDesiredFileTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("twin-file-").FullName;

    string FilePath => Path.Combine(folder, AppliedDesiredFile.FileName);

    [Fact]
    public void Load_AfterSave_ReturnsTheSavedVersionAndSettings()
    {
        var applied = new AppliedDesired(12, new DesiredSettings(27, TimeSpan.FromMilliseconds(200), false));
        new AppliedDesiredFile(FilePath).Save(applied);

        Assert.Equal(applied, new AppliedDesiredFile(FilePath).Load());
    }

    [Fact]
    public void Save_Twice_LeavesOnlyTheFileWithTheLatest()
    {
        var file = new AppliedDesiredFile(FilePath);
        file.Save(new AppliedDesired(1, DesiredSettings.None));
        file.Save(new AppliedDesired(2, DesiredSettings.None with { SendData = true }));

        Assert.Equal(2, file.Load()!.Version);
        Assert.Equal([FilePath], Directory.GetFiles(folder));
    }

    [Fact]
    public void Load_NoFile_ReturnsNull()
    {
        Assert.Null(new AppliedDesiredFile(FilePath).Load());
    }

    [Fact]
    public void Load_CorruptFile_ReturnsNull()
    {
        File.WriteAllText(FilePath, "{\"Version\":");

        Assert.Null(new AppliedDesiredFile(FilePath).Load());
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
