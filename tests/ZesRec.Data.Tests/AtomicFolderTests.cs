using ZesRec.Data.Events;

namespace ZesRec.Data.Tests;

public sealed class AtomicFolderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Write_should_leave_the_existing_folder_intact_and_no_temporary_folder_when_writing_fails()
    {
        // Given an existing folder
        var dir = _temp["out"];
        AtomicFolder.Write(dir, t => File.WriteAllText(Path.Combine(t, "a.txt"), "old"), _ => true, "test");

        // When a second write fails halfway
        Assert.Throws<InvalidOperationException>(() => AtomicFolder.Write(
            dir,
            t =>
            {
                File.WriteAllText(Path.Combine(t, "a.txt"), "new");
                throw new InvalidOperationException("disk full");
            },
            _ => true,
            "test"));

        // Then the old content is there and nothing else is left beside it
        Assert.Equal("old", File.ReadAllText(Path.Combine(dir, "a.txt")));
        Assert.Equal([dir], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void Write_should_replace_every_file_of_an_existing_folder_when_it_succeeds()
    {
        var dir = _temp["out"];
        AtomicFolder.Write(dir, t => File.WriteAllText(Path.Combine(t, "stale.txt"), "old"), _ => true, "test");

        AtomicFolder.Write(dir, t => File.WriteAllText(Path.Combine(t, "a.txt"), "new"), _ => true, "test");

        Assert.Equal(["a.txt"], Directory.GetFiles(dir).Select(Path.GetFileName));
        Assert.Equal([dir], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void Write_should_refuse_before_writing_when_the_folder_holds_something_else()
    {
        var dir = _temp["notes"];
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "todo.txt"), "keep me");
        var called = false;

        var error = Assert.Throws<IOException>(() => AtomicFolder.Write(dir, _ => called = true, _ => false, "dataset"));

        Assert.Contains("is not a dataset folder", error.Message, StringComparison.Ordinal);
        Assert.False(called);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(dir, "todo.txt")));
    }

    [Fact]
    public void Dataset_save_should_keep_the_old_dataset_when_an_event_cannot_be_written()
    {
        // Given a saved dataset
        var dir = _temp["ds"];
        new EventLogDataset("first", "test", [new ItemCreated(1, "a", "Lab beaker", null)], [new InteractionOccurred(1, "u1", "a", null, 1)]).Save(dir);

        // When saving another dataset over it fails after its event files are written (a null event breaks the manifest)
        var broken = new EventLogDataset("second", "test", [new ItemCreated(1, "b", "Pipette", null)], [new InteractionOccurred(1, "u1", "b", null, 1), null!]);
        Assert.ThrowsAny<Exception>(() => broken.Save(dir));

        // Then the first dataset still loads and nothing is left beside it
        Assert.Equal("first", EventLogDataset.Load(dir).Name);
        Assert.Equal([dir], Directory.GetFileSystemEntries(_temp.Path));
    }
}
