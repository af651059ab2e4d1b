using ZesRec.Model.Training;
using static TorchSharp.torch;

namespace ZesRec.Model.Tests;

[Trait("Tier", "Integration")]
public sealed class ZesRecModelTests
{
    /// <summary>Every registered user encoder: a new one is tested here without editing this file.</summary>
    public static TheoryData<string> Variants => [.. UserEncoderRegistry.All.Select(d => d.Name)];

    public static TheoryData<string, bool> VariantsAndOptions
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var options in new[] { false, true })
            {
                foreach (var definition in UserEncoderRegistry.All)
                {
                    data.Add(definition.Name, options);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(VariantsAndOptions))]
    public void Streaming_steps_should_give_the_same_user_vectors_as_the_training_sequence_pass(string variant, bool options)
    {
        // Given a model (the paper's, or with every optional part on) and one user's sequence
        manual_seed(1);
        var config = SyntheticDomain.Config(variant);
        if (options)
        {
            config = config with { SkipLastItem = true, UserHead = true, NormalizeText = true, Temperature = 0.1 };
        }

        using var model = new ZesRecModel(config, SyntheticDomain.TextDim, SyntheticDomain.Items);
        model.eval();
        using var text = SyntheticDomain.TextEmbeddings();
        var sequence = SyntheticDomain.Sequences(5, 11).MaxBy(s => s.Items.Length)!;
        using var noGrad = no_grad();
        using var items = model.ItemVectors(text);

        // When the sequence runs as a training batch and, separately, one streaming step at a time
        using var batch = SequenceBatch.Create([sequence], SyntheticDomain.Items, 50, CPU);
        using var batchUsers = NextItemObjective.UserVectors(model, batch, items);
        var state = model.StartState(tensor(new double[] { sequence.Times[0] }));
        var streamed = new List<Tensor> { model.UserVector(state) };
        for (var k = 0; k < sequence.Items.Length - 1; k++)
        {
            state = model.Step(items[sequence.Items[k]].unsqueeze(0), tensor(new double[] { sequence.Times[k] }), state);
            streamed.Add(model.UserVector(state));
        }

        // Then the user vector after every prefix agrees
        using var streamedUsers = cat(streamed, 0);
        Assert.Equal(batchUsers.shape, streamedUsers.shape);
        Assert.True(batchUsers.allclose(streamedUsers, rtol: 1e-4, atol: 1e-5), $"max diff {(batchUsers - streamedUsers).abs().max().item<float>()}");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Training_should_lower_the_loss_when_run_for_a_few_epochs(string variant)
    {
        // Given synthetic sequences with a strong next-item pattern
        manual_seed(2);
        var config = SyntheticDomain.Config(variant) with { MaxEpochs = 6, Patience = 10 };
        using var model = new ZesRecModel(config, SyntheticDomain.TextDim, SyntheticDomain.Items);
        using var text = SyntheticDomain.TextEmbeddings();
        var train = SyntheticDomain.Sequences(300, 1);
        var validation = SyntheticDomain.Sequences(60, 2);
        var trainer = new Trainer(model, text, CPU);
        var before = trainer.ValidationLoss(validation);

        // When it trains
        var result = trainer.Train(train, validation);

        // Then validation loss falls clearly below the untrained model's and below uniform guessing
        Assert.True(result.BestValidationLoss < before - 0.3, $"before {before}, after {result.BestValidationLoss}");
        Assert.True(result.BestValidationLoss < Math.Log(SyntheticDomain.Items), $"{result.BestValidationLoss}");
        Assert.True(result.Epochs[^1].TrainLoss < result.Epochs[0].TrainLoss);
    }

    [Fact]
    public void Offsets_should_change_training_vectors_but_not_served_vectors()
    {
        // Given a model whose offsets were trained away from zero
        manual_seed(4);
        var config = SyntheticDomain.Config("gru4rec") with { MaxEpochs = 2, LambdaV = 0.001 };
        using var model = new ZesRecModel(config, SyntheticDomain.TextDim, SyntheticDomain.Items);
        using var text = SyntheticDomain.TextEmbeddings();
        new Trainer(model, text, CPU).Train(SyntheticDomain.Sequences(200, 5), SyntheticDomain.Sequences(20, 6));

        // When item vectors are computed for training and for serving
        using var noGrad = no_grad();
        using var served = model.ItemVectors(text);
        using var trained = model.TrainingItemVectors(text);
        var offsets = model.named_parameters().Single(p => p.name == "offsets").parameter;

        // Then the offsets are non-zero, and serving equals the linear item layer alone
        Assert.True(offsets.abs().max().item<float>() > 1e-4f);
        Assert.True((trained - served).abs().max().item<float>() > 1e-4f);
        using var linearOnly = model.named_children().Single(c => c.name == "itemLayer").module is TorchSharp.Modules.Linear layer
            ? layer.forward(text)
            : throw new InvalidOperationException("itemLayer missing");
        Assert.True(served.allclose(linearOnly));
    }

    [Theory]
    [MemberData(nameof(VariantsAndOptions))]
    public void Checkpoint_should_score_exactly_like_the_saved_model(string variant, bool options)
    {
        // Given a trained model (the paper's, or with the optional parts on) saved with its card
        manual_seed(5);
        var config = SyntheticDomain.Config(variant);
        if (options)
        {
            config = config with { SkipLastItem = true, UserHead = true, Temperature = 0.2 };
        }

        using var model = new ZesRecModel(config, SyntheticDomain.TextDim, SyntheticDomain.Items);
        using var text = SyntheticDomain.TextEmbeddings();
        var train = SyntheticDomain.Sequences(100, 7);
        var result = new Trainer(model, text, CPU).Train(train, []);
        var dir = Path.Combine(Path.GetTempPath(), "zesrec-ckpt-" + Guid.NewGuid().ToString("N"));
        ModelCheckpoint.Save(dir, model, TestCards.For(config, result));

        // When it is loaded back
        var (loaded, card) = ModelCheckpoint.Load(dir);

        // Then scores of every user over every item are identical
        using var noGrad = no_grad();
        using var batch = SequenceBatch.Create(train.Take(20).ToList(), SyntheticDomain.Items, 50, CPU);
        model.eval();
        using var expected = model.Scores(NextItemObjective.UserVectors(model, batch, model.ItemVectors(text)), model.ItemVectors(text));
        using var actual = loaded.Scores(NextItemObjective.UserVectors(loaded, batch, loaded.ItemVectors(text)), loaded.ItemVectors(text));
        Assert.True(expected.equal(actual).all().item<bool>(), "scores differ after load");
        Assert.Equal(config.Variant, card.Config.Variant);
        loaded.Dispose();
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Model_folder_should_load_as_the_paper_model_when_its_card_predates_the_optional_parts()
    {
        // Given a paper model saved with a card from before the optional parts existed (their fields removed)
        manual_seed(6);
        var config = SyntheticDomain.Config("gru4rec");
        using var model = new ZesRecModel(config, SyntheticDomain.TextDim, SyntheticDomain.Items);
        var dir = Path.Combine(Path.GetTempPath(), "zesrec-old-card-" + Guid.NewGuid().ToString("N"));
        ModelCheckpoint.Save(dir, model, TestCards.For(config, new TrainingResult([], 0, 0, TimeSpan.Zero)));
        var cardPath = Path.Combine(dir, ModelCard.FileName);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(cardPath))!;
        foreach (var field in new[] { "normalizeText", "userHead", "skipLastItem", "temperature" })
        {
            Assert.True(json["config"]!.AsObject().Remove(field), field);
        }

        File.WriteAllText(cardPath, json.ToJsonString());

        // When it is loaded
        var (loaded, card) = ModelCheckpoint.Load(dir);

        // Then it is the paper's model: no optional part, the same state size
        Assert.Equal((false, false, false, 0.0), (card.Config.NormalizeText, card.Config.UserHead, card.Config.SkipLastItem, card.Config.Temperature));
        Assert.Equal(model.StateSize, loaded.StateSize);
        loaded.Dispose();
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Training_should_be_repeatable_when_the_seed_is_fixed()
    {
        // Given two models built and trained from the same seed
        double Run()
        {
            manual_seed(9);
            using var model = new ZesRecModel(SyntheticDomain.Config("gru4rec") with { MaxEpochs = 2 }, SyntheticDomain.TextDim, SyntheticDomain.Items);
            using var text = SyntheticDomain.TextEmbeddings();
            return new Trainer(model, text, CPU).Train(SyntheticDomain.Sequences(100, 8), SyntheticDomain.Sequences(20, 9)).BestValidationLoss;
        }

        // When both run / Then they reach the same validation loss to the last bit
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Sampled_softmax_should_train_when_negatives_are_sampled()
    {
        // Given a model configured for sampled softmax
        manual_seed(6);
        var config = SyntheticDomain.Config("gru4rec") with { MaxEpochs = 5, SampledNegatives = 10, Patience = 10 };
        using var model = new ZesRecModel(config, SyntheticDomain.TextDim, SyntheticDomain.Items);
        using var text = SyntheticDomain.TextEmbeddings();
        var trainer = new Trainer(model, text, CPU);
        var validation = SyntheticDomain.Sequences(60, 2);
        var before = trainer.ValidationLoss(validation);

        // When it trains
        var result = trainer.Train(SyntheticDomain.Sequences(300, 1), validation);

        // Then the full-softmax validation loss still falls
        Assert.True(result.BestValidationLoss < before - 0.2, $"before {before}, after {result.BestValidationLoss}");
    }
}
