namespace ZesRec.Text.Tests;

public sealed class CachedTextEncoderTests(MiniLmFixture model) : IClassFixture<MiniLmFixture>
{
    private static readonly string[] Texts = ["Bunsen burner", "Erlenmeyer flask 250 ml", "Magnetic stirrer with hot plate"];

    [Fact]
    public void Encode_should_serve_all_hits_with_identical_vectors_when_texts_repeat()
    {
        // Given
        using var dir = new TempFolder();
        using var cached = new CachedTextEncoder(model.Mean, dir.Path, leaveOpen: true);
        var first = cached.Encode(Texts);

        // When
        var second = cached.Encode(Texts);

        // Then
        Assert.Equal(3, cached.Misses);
        Assert.Equal(3, cached.Hits);
        Assert.Equal(first, second);
        Assert.Equal(model.Mean.Encode(Texts), first);
    }

    [Fact]
    public void Encode_should_not_encode_again_when_cache_is_reopened()
    {
        // Given
        using var dir = new TempFolder();
        float[][] first;
        using (var run1 = new CachedTextEncoder(model.Mean, dir.Path, leaveOpen: true))
        {
            first = run1.Encode(Texts);
        }

        // When
        using var run2 = new CachedTextEncoder(model.Mean, dir.Path, leaveOpen: true);
        var second = run2.Encode(Texts);

        // Then
        Assert.Equal(0, run2.Misses);
        Assert.Equal(3, run2.Hits);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Open_should_drop_only_the_torn_record_when_the_file_was_cut_mid_write()
    {
        // Given
        using var dir = new TempFolder();
        string path;
        using (var run1 = new CachedTextEncoder(model.Mean, dir.Path, leaveOpen: true))
        {
            run1.Encode(Texts);
            path = run1.CachePath;
        }
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length - 5);
        }

        // When
        using (var run2 = new CachedTextEncoder(model.Mean, dir.Path, leaveOpen: true))
        {
            Assert.Equal(2, run2.Count);
            run2.Encode(Texts);
            Assert.Equal(1, run2.Misses);
            Assert.Equal(2, run2.Hits);
        }

        // Then: the re-appended record is aligned, so a third run reads all three back
        using var run3 = new CachedTextEncoder(model.Mean, dir.Path, leaveOpen: true);
        Assert.Equal(3, run3.Count);
        Assert.Equal(model.Mean.Encode(Texts), run3.Encode(Texts));
        Assert.Equal(0, run3.Misses);
    }

    [Fact]
    public void Encode_should_encode_a_repeated_text_once_when_it_occurs_twice_in_one_call()
    {
        // Given
        using var dir = new TempFolder();
        using var cached = new CachedTextEncoder(model.Mean, dir.Path, leaveOpen: true);

        // When
        var v = cached.Encode(["Pipette tips", "Pipette tips", "Petri dish"]);

        // Then
        Assert.Equal(2, cached.Misses);
        Assert.Equal(1, cached.Hits);
        Assert.Equal(v[0], v[1]);
    }

    [Fact]
    public void Encode_should_keep_separate_files_when_encoders_differ()
    {
        // Given
        using var dir = new TempFolder();
        using var mean = new CachedTextEncoder(model.Mean, dir.Path, leaveOpen: true);
        using var cls = new CachedTextEncoder(model.Cls, dir.Path, leaveOpen: true);

        // When
        var a = mean.Encode(Texts);
        var b = cls.Encode(Texts);

        // Then
        Assert.NotEqual(mean.CachePath, cls.CachePath);
        Assert.Equal(3, cls.Misses);
        Assert.NotEqual(a, b);
    }
}
