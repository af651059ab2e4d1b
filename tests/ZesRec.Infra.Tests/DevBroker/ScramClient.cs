using ZesRec.DevBroker.Sasl;

namespace ZesRec.Infra.Tests.DevBroker;

/// <summary>The client side of SCRAM (RFC 5802 section 3), as librdkafka computes it, to drive the server in tests.</summary>
internal sealed class ScramClient(ScramHash hash, string user, string password, string nonce)
{
    private string _clientFirstBare = "";

    public string ServerSignature { get; private set; } = "";

    public string First()
    {
        _clientFirstBare = $"n={user.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal)},r={nonce}";
        return "n,," + _clientFirstBare;
    }

    public string Final(string serverFirst)
    {
        var attributes = serverFirst.Split(',').ToDictionary(a => a[..1], a => a[2..]);
        var salted = hash.Hi(password, Convert.FromBase64String(attributes["s"]), int.Parse(attributes["i"], System.Globalization.CultureInfo.InvariantCulture));
        var clientKey = hash.Hmac(salted, "Client Key");
        var withoutProof = $"c=biws,r={attributes["r"]}";
        var authMessage = $"{_clientFirstBare},{serverFirst},{withoutProof}";
        var signature = hash.Hmac(hash.Hash(clientKey), authMessage);
        var proof = clientKey.Zip(signature, (k, s) => (byte)(k ^ s)).ToArray();
        ServerSignature = "v=" + Convert.ToBase64String(hash.Hmac(hash.Hmac(salted, "Server Key"), authMessage));
        return $"{withoutProof},p={Convert.ToBase64String(proof)}";
    }
}
