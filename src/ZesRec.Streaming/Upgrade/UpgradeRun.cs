using ZesRec.Model;
using ZesRec.Streaming.Hosting;
using ZesRec.Streaming.Storage;
using ZesRec.Text;
using static TorchSharp.torch;

namespace ZesRec.Streaming.Upgrade;

/// <summary>What <c>zesrec upgrade</c> does, with the serve settings (model, PostgreSQL, device, threads, text cache).</summary>
public static class UpgradeRun
{
    public static async Task RunAsync(ServeOptions options, bool prepareOnly, bool dropOld, TextWriter log, CancellationToken cancellationToken, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(options);
        var device = DeviceSelection.Resolve(options.Processing.Device);
        set_num_threads(options.Processing.Threads);
        var (model, card) = ModelCheckpoint.Load(options.ModelDir, device);
        using var disposeModel = model;
        using var encoder = TextEncoders.Create(card.TextEncoderSpec, string.IsNullOrEmpty(options.Processing.TextCache) ? null : options.Processing.TextCache);
        await using var dataSource = StoreDataSource.Create(
            options.Postgres.ConnectionString, string.IsNullOrEmpty(options.Postgres.Schema) ? null : $"\"{options.Postgres.Schema}\",public");
        var upgrade = new ModelUpgrade(dataSource, model, card, encoder, device, log) { BatchSize = batchSize };
        var serving = await upgrade.ServingAsync(cancellationToken).ConfigureAwait(false);
        if (serving == card.ModelVersion)
        {
            log.WriteLine($"zesrec upgrade: model {card.ModelVersion} already serves the store");
        }
        else
        {
            log.WriteLine($"zesrec upgrade: preparing model {card.ModelVersion} beside the serving model {serving}");
            await upgrade.PrepareAsync(serving, cancellationToken).ConfigureAwait(false);
            if (prepareOnly)
            {
                log.WriteLine($"zesrec upgrade: prepared; model {serving} still serves (run again without --prepare-only to switch)");
                return;
            }

            await upgrade.SwitchAsync(serving, cancellationToken).ConfigureAwait(false);
        }

        if (dropOld)
        {
            var (items, users) = await ModelUpgrade.DropOthersAsync(dataSource, cancellationToken).ConfigureAwait(false);
            log.WriteLine($"zesrec upgrade: dropped {items:N0} item rows and {users:N0} user state rows of other model versions");
        }
    }
}
