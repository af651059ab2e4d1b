namespace ZesRec.Text.Tests;

public sealed class TextEncodersTests
{
    [Fact]
    public void Create_should_build_mean_pooled_minilm_when_spec_is_minilm()
    {
        // When
        using var encoder = TextEncoders.Create("minilm", cacheDir: null);

        // Then
        Assert.IsType<MiniLmEncoder>(encoder);
        Assert.Equal("all-MiniLM-L6-v2/mean", encoder.Name);
        Assert.Equal(384, encoder.Dimension);
    }

    [Fact]
    public void Create_should_wrap_a_cls_folder_encoder_in_a_cache_when_a_folder_and_cache_dir_are_given()
    {
        // Given
        using var folder = new TempFolder();
        var modelDir = Path.Combine(folder.Path, "my-bert");
        MiniLmResources.ExportTo(modelDir);
        var cacheDir = Path.Combine(folder.Path, "cache");

        // When
        using var encoder = TextEncoders.Create(modelDir, cacheDir);
        encoder.Encode(["Oscilloscope"]);

        // Then
        var cached = Assert.IsType<CachedTextEncoder>(encoder);
        Assert.StartsWith("my-bert/cls@", cached.Name, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(cacheDir));
        Assert.Equal(1, cached.Misses);
    }

    [Fact]
    public void Create_should_say_what_is_expected_when_the_folder_does_not_exist()
    {
        // When
        var error = Assert.Throws<DirectoryNotFoundException>(() => TextEncoders.Create("/nonexistent/bert-model", cacheDir: null));

        // Then
        Assert.Contains("/nonexistent/bert-model", error.Message, StringComparison.Ordinal);
        Assert.Contains("model.onnx", error.Message, StringComparison.Ordinal);
    }
}
