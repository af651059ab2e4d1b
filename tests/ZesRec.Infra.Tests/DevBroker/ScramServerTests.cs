using System.Text;
using CsCheck;
using ZesRec.DevBroker.Sasl;

namespace ZesRec.Infra.Tests.DevBroker;

public sealed class ScramServerTests
{
    /// <summary>Any character below the surrogates, commas and equals signs included: names and passwords are UTF-8.</summary>
    private static readonly Gen<char> Characters = Gen.Char[' ', '\u07FF'];

    [Fact]
    public void Server_should_answer_the_RFC_7677_exchange_when_given_its_salt_and_nonce()
    {
        // Given the SCRAM-SHA-256 example of RFC 7677 section 3: user "user", password "pencil"
        var credential = ScramCredential.Create(ScramHash.Sha256, "pencil", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        var server = new ScramServer(ScramHash.Sha256, user => user == "user" ? credential : null, () => "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");

        // When the client's two messages arrive
        var first = server.Evaluate(Utf8("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        var final = server.Evaluate(Utf8("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));

        // Then the server's messages are the RFC's, byte for byte
        Assert.Equal(SaslOutcome.Continue, first.Outcome);
        Assert.Equal("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", Text(first.Challenge));
        Assert.Equal(SaslOutcome.Success, final.Outcome);
        Assert.Equal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", Text(final.Challenge));
        Assert.Equal("user", final.User);
    }

    [Fact]
    public void Server_should_authenticate_any_user_and_password_when_the_client_proves_it_and_refuse_any_other_password()
    {
        var cases = Gen.Select(
            Gen.OneOf(Gen.Const(ScramHash.Sha256), Gen.Const(ScramHash.Sha512)),
            Gen.String[Characters, 1, 16],
            Gen.String[Characters, 1, 24],
            Gen.String[Characters, 1, 24],
            Gen.Int[1, 64]);
        cases.Sample((hash, user, password, other, iterations) =>
        {
            // Given a server knowing user's password (few iterations: the count does not change the maths)
            var credential = ScramCredential.Create(hash, password, iterations: iterations);
            ScramServer Server() => new(hash, u => u == user ? credential : null, ScramServer.RandomNonce);

            // When the right password, then another one, go through the exchange
            var right = Exchange(Server(), new ScramClient(hash, user, password, ScramServer.RandomNonce()));
            var wrong = Exchange(Server(), new ScramClient(hash, user, other, ScramServer.RandomNonce()));

            // Then the first is in, with the server's signature the client expects; the second only if it is the same
            Assert.Equal(SaslOutcome.Success, right.Step.Outcome);
            Assert.Equal(right.Client.ServerSignature, Text(right.Step.Challenge));
            Assert.Equal(user, right.Step.User);
            Assert.Equal(other == password ? SaslOutcome.Success : SaslOutcome.Failure, wrong.Step.Outcome);
        }, iter: 60);
    }

    [Theory]
    [InlineData("n,,n=nobody,r=abc", "invalid credentials")]
    [InlineData("p=tls-unique,,n=user,r=abc", "channel binding")]
    [InlineData("n,,r=abc,n=user", "invalid SCRAM-SHA-256 client-first")]
    [InlineData("n,,n=us=er,r=abc", "invalid credentials")]
    [InlineData("garbage", "invalid SCRAM-SHA-256 client-first")]
    public void Server_should_refuse_a_client_first_message_when_it_is_malformed_or_names_an_unknown_user(string clientFirst, string reason)
    {
        var server = new ScramServer(ScramHash.Sha256, user => user == "user" ? ScramCredential.Create(ScramHash.Sha256, "pencil", iterations: 1) : null, ScramServer.RandomNonce);

        var step = server.Evaluate(Utf8(clientFirst));

        Assert.Equal(SaslOutcome.Failure, step.Outcome);
        Assert.Contains(reason, step.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_should_refuse_a_client_final_message_when_its_nonce_is_not_the_servers()
    {
        // Given an exchange in which the client answers with a nonce the server never sent (a replayed final message)
        var credential = ScramCredential.Create(ScramHash.Sha512, "pencil", iterations: 1);
        var server = new ScramServer(ScramHash.Sha512, _ => credential, () => "server-nonce");
        var client = new ScramClient(ScramHash.Sha512, "user", "pencil", "client-nonce");
        var serverFirst = Text(server.Evaluate(Utf8(client.First())).Challenge);

        // When the final message carries another nonce
        var step = server.Evaluate(Utf8(client.Final(serverFirst.Replace("server-nonce", "other-nonce", StringComparison.Ordinal))));

        // Then it is refused
        Assert.Equal(SaslOutcome.Failure, step.Outcome);
        Assert.Contains("wrong nonce", step.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void User_name_should_be_unescaped_when_it_holds_commas_and_equals_signs()
    {
        var credential = ScramCredential.Create(ScramHash.Sha256, "pw", iterations: 1);
        var exchange = Exchange(new ScramServer(ScramHash.Sha256, u => u == "a,b=c" ? credential : null, ScramServer.RandomNonce), new ScramClient(ScramHash.Sha256, "a,b=c", "pw", "n1"));

        Assert.Equal(SaslOutcome.Success, exchange.Step.Outcome);
        Assert.Equal("a,b=c", exchange.Step.User);
    }

    private static (SaslStep Step, ScramClient Client) Exchange(ScramServer server, ScramClient client)
    {
        var first = server.Evaluate(Utf8(client.First()));
        return first.Outcome != SaslOutcome.Continue ? (first, client) : (server.Evaluate(Utf8(client.Final(Text(first.Challenge)))), client);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
