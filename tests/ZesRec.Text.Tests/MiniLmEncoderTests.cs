namespace ZesRec.Text.Tests;

public sealed class MiniLmEncoderTests(MiniLmFixture model) : IClassFixture<MiniLmFixture>
{
    [Fact]
    public void Encode_should_place_paraphrases_close_and_unrelated_text_far_when_using_minilm()
    {
        // Given
        string[] texts = ["A man is eating food.", "A man is eating a piece of bread.", "The stock market fell sharply."];

        // When
        var v = model.Mean.Encode(texts);

        // Then
        Assert.Equal("all-MiniLM-L6-v2/mean", model.Mean.Name);
        Assert.All(v, x => Assert.Equal(384, x.Length));
        Assert.True(Vectors.Cosine(v[0], v[1]) > 0.7, $"paraphrases: {Vectors.Cosine(v[0], v[1])}");
        Assert.True(Vectors.Cosine(v[0], v[2]) < 0.3, $"food vs market: {Vectors.Cosine(v[0], v[2])}");
        Assert.True(Vectors.Cosine(v[1], v[2]) < 0.3, $"bread vs market: {Vectors.Cosine(v[1], v[2])}");
    }

    [Fact]
    public void Encode_should_give_identical_vectors_when_called_twice()
    {
        // Given
        string[] texts = ["Digital caliper 0-150 mm", "Nitrile gloves, box of 100"];

        // When
        var first = model.Mean.Encode(texts);
        var second = model.Mean.Encode(texts);

        // Then
        Assert.Equal(first, second);
    }

    [Fact]
    public void Encode_should_match_one_by_one_encoding_when_texts_of_different_lengths_share_padded_batches()
    {
        // Given: small batches over texts of very different lengths, so most rows are padded
        using var encoder = new MiniLmEncoder(TextEncoderSettings.Default with { BatchSize = 3 });
        string[] texts =
        [
            "Soldering iron",
            "A very long product description of an adjustable temperature soldering station with digital display, ceramic heater, three spare tips, a stand with a brass wire cleaner and an ESD safe handle for electronics repair work.",
            "Lab coat",
            "Stainless steel tweezers, anti-magnetic, set of six with case",
            "",
            "pH meter with automatic temperature compensation and calibration buffer solutions included",
            "Safety goggles",
        ];

        // When
        var batched = encoder.Encode(texts);
        var alone = texts.Select(t => encoder.Encode([t])[0]).ToArray();

        // Then
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(Vectors.MaxAbsDiff(batched[i], alone[i]) < 1e-4, $"text {i}: {Vectors.MaxAbsDiff(batched[i], alone[i])}");
        }
        Assert.True(Vectors.MaxAbsDiff(batched[0], batched[6]) > 1e-2, "distinct texts must not share a vector (order restored)");
    }

    [Fact]
    public void Encode_should_give_the_same_vectors_when_the_token_budget_splits_batches_differently()
    {
        // Given: a budget of 24 tokens puts the long texts in batches of their own and pairs the short ones
        string[] texts = ["Lab coat", "Safety goggles", "Soldering iron", "Stainless steel tweezers, anti-magnetic, set of six with case",
            "pH meter with automatic temperature compensation and calibration buffer solutions included", "Nitrile gloves"];
        using var tight = new MiniLmEncoder(TextEncoderSettings.Default with { BatchTokens = 24 });

        // When
        var budgeted = tight.Encode(texts);
        var roomy = model.Mean.Encode(texts);

        // Then
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(Vectors.MaxAbsDiff(budgeted[i], roomy[i]) < 1e-4, $"text {i}: {Vectors.MaxAbsDiff(budgeted[i], roomy[i])}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniLmEncoder(TextEncoderSettings.Default with { BatchTokens = 0 }));
    }

    [Fact]
    public void Tokenize_should_strip_accents_instead_of_using_unknown_when_text_has_diacritics()
    {
        // Given
        const string accented = "café crème brûlée";

        // When
        var ids = model.Mean.Tokenize(accented);
        var plain = model.Mean.Tokenize("cafe creme brulee");

        // Then
        Assert.DoesNotContain(model.Mean.UnknownTokenId, ids);
        Assert.Equal(plain, ids);
    }

    [Fact]
    public void Tokenize_should_truncate_to_max_tokens_and_end_with_sep_when_text_is_long()
    {
        // Given
        var longText = string.Join(' ', Enumerable.Repeat("microscope", 400));

        // When
        var ids = model.Mean.Tokenize(longText);

        // Then
        Assert.Equal(TextEncoderSettings.Default.MaxTokens, ids.Length);
        Assert.Equal(ids[^1], model.Mean.Tokenize("")[^1]);
    }

    [Fact]
    public void Encode_should_return_the_cls_sep_vector_when_text_is_empty()
    {
        // Given: an empty or blank text tokenises to just [CLS] [SEP]

        // When
        var v = model.Mean.Encode(["", "   ", "x"]);

        // Then
        Assert.Equal(2, model.Mean.Tokenize("").Length);
        Assert.Equal(384, v[0].Length);
        Assert.All(v[0], x => Assert.True(float.IsFinite(x)));
        Assert.Contains(v[0], x => x != 0f);
        Assert.True(Vectors.MaxAbsDiff(v[0], v[1]) < 1e-5);
        Assert.True(Vectors.MaxAbsDiff(v[0], v[2]) > 1e-2);
    }

    [Fact]
    public void Encode_should_return_an_empty_array_when_list_is_empty()
    {
        // When
        var v = model.Mean.Encode([]);

        // Then
        Assert.Empty(v);
    }

    [Fact]
    public void Encode_should_report_every_text_done_when_progress_is_given()
    {
        // Given
        using var encoder = new MiniLmEncoder(TextEncoderSettings.Default with { BatchSize = 2 });
        var reports = new List<int>();

        // When
        encoder.Encode(["a", "b", "c", "d", "e"], new SyncProgress(reports.Add));

        // Then
        Assert.Equal([2, 4, 5], reports);
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
