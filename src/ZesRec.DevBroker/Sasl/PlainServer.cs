using System.Text;

namespace ZesRec.DevBroker.Sasl;

/// <summary>SASL PLAIN (RFC 4616): one token, [authzid] NUL authcid NUL passwd.</summary>
internal sealed class PlainServer(PlainServer.PasswordCheck check) : ISaslServer
{
    public delegate bool PasswordCheck(string user, ReadOnlySpan<byte> password);

    /// <summary>Kafka's own wording, so that operators recognise it.</summary>
    public const string InvalidCredentials = "Authentication failed: Invalid username or password";

    private bool _done;

    public SaslStep Evaluate(ReadOnlySpan<byte> token)
    {
        if (_done)
        {
            return SaslStep.Fail("SASL PLAIN takes a single token.");
        }

        _done = true;
        var first = token.IndexOf((byte)0);
        var second = first < 0 ? -1 : token[(first + 1)..].IndexOf((byte)0);
        if (second < 0)
        {
            return SaslStep.Fail("Authentication failed: the PLAIN token is not authzid NUL username NUL password.");
        }

        second += first + 1;
        var authzid = Encoding.UTF8.GetString(token[..first]);
        var user = Encoding.UTF8.GetString(token[(first + 1)..second]);
        if (authzid.Length > 0 && authzid != user)
        {
            return SaslStep.Fail("Authentication failed: Client requested an authorization id that is different from username");
        }

        return check(user, token[(second + 1)..])
            ? new SaslStep(SaslOutcome.Success, [], User: user)
            : SaslStep.Fail(InvalidCredentials);
    }
}
