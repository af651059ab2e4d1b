using System.Security.Cryptography;
using System.Text;

namespace ZesRec.DevBroker.Sasl;

/// <summary>
/// The server side of SCRAM (RFC 5802, RFC 7677) without channel binding, as Kafka runs it: client-first
/// ("n,,n=user,r=nonce"), server-first (nonce, salt, iterations), client-final (proof), server-final (signature).
/// </summary>
internal sealed class ScramServer(ScramHash hash, Func<string, ScramCredential?> credentials, Func<string> serverNonce) : ISaslServer
{
    private enum State
    {
        ClientFirst,
        ClientFinal,
        Done,
    }

    private State _state = State.ClientFirst;
    private string _gs2Header = "";
    private string _clientFirstBare = "";
    private string _serverFirst = "";
    private string _nonce = "";
    private string _user = "";
    private ScramCredential? _credential;

    private string InvalidCredentials => $"Authentication failed during authentication due to invalid credentials with SASL mechanism {hash.Mechanism}";

    /// <summary>24 random bytes in base64: printable and free of commas, as RFC 5802 asks of a nonce.</summary>
    public static string RandomNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public SaslStep Evaluate(ReadOnlySpan<byte> token)
    {
        var message = Encoding.UTF8.GetString(token);
        var step = _state switch
        {
            State.ClientFirst => ClientFirst(message),
            State.ClientFinal => ClientFinal(message),
            _ => SaslStep.Fail($"{hash.Mechanism} authentication is already complete."),
        };
        _state = step.Outcome == SaslOutcome.Continue ? State.ClientFinal : State.Done;
        return step;
    }

    private SaslStep ClientFirst(string message)
    {
        // gs2-header: "n,," (no channel binding, no authzid), "y,," or "n,a=authzid,"; "p=" asks for channel binding.
        var firstComma = message.IndexOf(',', StringComparison.Ordinal);
        var secondComma = firstComma < 0 ? -1 : message.IndexOf(',', firstComma + 1);
        if (secondComma < 0 || message[0] is not ('n' or 'y') || firstComma != 1)
        {
            return SaslStep.Fail($"Authentication failed: invalid {hash.Mechanism} client-first message (channel binding is not supported).");
        }

        _gs2Header = message[..(secondComma + 1)];
        _clientFirstBare = message[(secondComma + 1)..];
        var attributes = _clientFirstBare.Split(',');
        if (attributes.Length < 2 || !attributes[0].StartsWith("n=", StringComparison.Ordinal) || !attributes[1].StartsWith("r=", StringComparison.Ordinal)
            || attributes[1].Length == 2)
        {
            return SaslStep.Fail($"Authentication failed: invalid {hash.Mechanism} client-first message.");
        }

        var user = DecodeSaslName(attributes[0][2..]);
        _credential = user is null ? null : credentials(user);
        if (_credential is null)
        {
            return SaslStep.Fail(InvalidCredentials);
        }

        _user = user!;
        _nonce = attributes[1][2..] + serverNonce();
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(_credential.Salt)},i={_credential.Iterations}";
        return new SaslStep(SaslOutcome.Continue, Encoding.UTF8.GetBytes(_serverFirst));
    }

    private SaslStep ClientFinal(string message)
    {
        var proofAt = message.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0)
        {
            return SaslStep.Fail($"Authentication failed: invalid {hash.Mechanism} client-final message.");
        }

        var withoutProof = message[..proofAt];
        var attributes = withoutProof.Split(',');
        var binding = attributes.FirstOrDefault(a => a.StartsWith("c=", StringComparison.Ordinal));
        var nonce = attributes.FirstOrDefault(a => a.StartsWith("r=", StringComparison.Ordinal));
        if (binding != "c=" + Convert.ToBase64String(Encoding.UTF8.GetBytes(_gs2Header)) || nonce != "r=" + _nonce)
        {
            return SaslStep.Fail($"Authentication failed: {hash.Mechanism} client-final message has the wrong nonce or channel binding.");
        }

        byte[] proof;
        try
        {
            proof = Convert.FromBase64String(message[(proofAt + 3)..]);
        }
        catch (FormatException)
        {
            return SaslStep.Fail($"Authentication failed: {hash.Mechanism} client proof is not base64.");
        }

        var credential = _credential!;
        var authMessage = $"{_clientFirstBare},{_serverFirst},{withoutProof}";
        var clientSignature = hash.Hmac(credential.StoredKey, authMessage);
        if (proof.Length != clientSignature.Length)
        {
            return SaslStep.Fail(InvalidCredentials);
        }

        // ClientKey = ClientProof XOR ClientSignature; the proof is right when H(ClientKey) is the StoredKey.
        var clientKey = new byte[proof.Length];
        for (var i = 0; i < proof.Length; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }

        if (!CryptographicOperations.FixedTimeEquals(hash.Hash(clientKey), credential.StoredKey))
        {
            return SaslStep.Fail(InvalidCredentials);
        }

        var serverSignature = hash.Hmac(credential.ServerKey, authMessage);
        return new SaslStep(SaslOutcome.Success, Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(serverSignature)), User: _user);
    }

    /// <summary>saslname: "," is sent as "=2C" and "=" as "=3D"; any other "=" is malformed (null).</summary>
    private static string? DecodeSaslName(string name)
    {
        var decoded = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] != '=')
            {
                decoded.Append(name[i]);
                continue;
            }

            var escape = i + 3 <= name.Length ? name.Substring(i + 1, 2) : "";
            switch (escape)
            {
                case "2C": decoded.Append(','); break;
                case "3D": decoded.Append('='); break;
                default: return null;
            }

            i += 2;
        }

        return decoded.ToString();
    }
}
