using CsCheck;
using static TorchSharp.torch;

namespace ZesRec.Model.Tests;

public sealed class ModelIdentityTests
{
    [Fact]
    public void Version_should_be_the_same_for_the_same_weights_and_survive_a_save_and_load()
    {
        // Given a model saved to a folder
        manual_seed(5);
        var config = SyntheticDomain.Config("gru4rec");
        using var model = new ZesRecModel(config, SyntheticDomain.TextDim, SyntheticDomain.Items);
        var version = ModelIdentity.Of(model, "synthetic");
        var dir = Path.Combine(Path.GetTempPath(), "zesrec-identity-" + Guid.NewGuid().ToString("N"));
        ModelCheckpoint.Save(dir, model, TestCards.For(config, new([], 0, 0, TimeSpan.Zero)) with { ModelVersion = version });

        // When it is loaded back
        var (loaded, _) = ModelCheckpoint.Load(dir);

        // Then it has the same version: the variant and 12 hex digits
        Assert.Equal(version, ModelIdentity.Of(loaded, "synthetic"));
        Assert.Matches("^gru4rec-[0-9a-f]{12}$", version);
        loaded.Dispose();
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Version_should_differ_for_another_seed_variant_or_text_encoder()
    {
        // Given models of the same dimension that differ in one thing each
        static string VersionOf(string variant, long seed, string encoder)
        {
            manual_seed(seed);
            using var model = new ZesRecModel(SyntheticDomain.Config(variant), SyntheticDomain.TextDim, SyntheticDomain.Items);
            return ModelIdentity.Of(model, encoder);
        }

        // When their versions are computed
        var versions = new[]
        {
            VersionOf("gru4rec", 5, "synthetic"),
            VersionOf("gru4rec", 6, "synthetic"),
            VersionOf("tcn", 5, "synthetic"),
            VersionOf("gru4rec", 5, "other-encoder"),
        };

        // Then no two are equal
        Assert.Equal(versions.Length, versions.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Version_should_change_when_any_single_weight_changes()
    {
        // Given a model and its version; when one weight anywhere moves, then the version changes, and back when restored
        manual_seed(5);
        using var model = new ZesRecModel(SyntheticDomain.Config("gru4rec"), SyntheticDomain.TextDim, SyntheticDomain.Items);
        var original = ModelIdentity.Of(model, "synthetic");
        // The tensors the version is computed from, modified in place: one sample at a time (threads: 1).
        var parameters = model.state_dict().Values.ToList();
        Gen.Select(Gen.Int[0, parameters.Count - 1], Gen.Int[0, int.MaxValue], Gen.Float[1e-3f, 1f]).Sample((which, at, delta) =>
        {
            var p = parameters[which];
            using var flat = p.detach().view(-1);
            var index = at % flat.shape[0];
            var old = flat[index].item<float>();
            using (no_grad())
            {
                flat[index].fill_(old + delta);
            }

            var changed = ModelIdentity.Of(model, "synthetic");
            using (no_grad())
            {
                // Restored exactly, not by subtracting delta again (float addition does not undo).
                flat[index].fill_(old);
            }

            Assert.True(changed != original, $"tensor {which} [{index}] {old} -> {old + delta}: version unchanged");
            Assert.Equal(original, ModelIdentity.Of(model, "synthetic"));
        }, iter: 50, threads: 1);
    }
}
