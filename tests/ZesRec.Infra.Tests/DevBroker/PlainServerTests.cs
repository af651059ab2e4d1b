using System.Text;
using ZesRec.DevBroker.Sasl;

namespace ZesRec.Infra.Tests.DevBroker;

public sealed class PlainServerTests
{
    private static readonly SaslUsers Users = new(new Dictionary<string, string> { ["alice"] = "s3cret:with colon" }, ["PLAIN"]);

    [Theory]
    [InlineData("\0alice\0s3cret:with colon", true, null)]
    [InlineData("alice\0alice\0s3cret:with colon", true, null)]
    [InlineData("\0alice\0s3cret", false, PlainServer.InvalidCredentials)]
    [InlineData("\0bob\0s3cret:with colon", false, PlainServer.InvalidCredentials)]
    [InlineData("bob\0alice\0s3cret:with colon", false, "authorization id that is different")]
    [InlineData("alice s3cret", false, "not authzid NUL username NUL password")]
    public void Plain_should_accept_only_the_users_own_password_when_given_a_token(string token, bool accepted, string? error)
    {
        // Given a fresh PLAIN exchange
        var server = Users.ServerFor("PLAIN")!;

        // When the client's single token arrives
        var step = server.Evaluate(Encoding.UTF8.GetBytes(token));

        // Then it is in with the right password only, and a refusal never echoes the password
        Assert.Equal(accepted ? SaslOutcome.Success : SaslOutcome.Failure, step.Outcome);
        Assert.Equal(accepted ? "alice" : null, step.User);
        if (error is not null)
        {
            Assert.Contains(error, step.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret", step.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Users_should_offer_only_the_enabled_mechanisms()
    {
        Assert.NotNull(Users.ServerFor("PLAIN"));
        Assert.Null(Users.ServerFor("SCRAM-SHA-256"));
        Assert.Null(Users.ServerFor("GSSAPI"));
    }

    [Theory]
    [InlineData("alice:pw,bob:p:w", "bob", "p:w")]
    [InlineData(" alice:pw , bob:x ", "bob", "x")]
    public void User_list_should_split_at_the_first_colon_when_parsed(string list, string user, string password) =>
        Assert.Equal(password, SaslUsers.ParseList(list)[user]);

    [Theory]
    [InlineData("alice", "entry 1")]
    [InlineData("alice:pw,:secret", "entry 2")]
    [InlineData("alice:pw,alice:other", "more than once")]
    public void User_list_should_be_refused_without_echoing_passwords_when_malformed(string list, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => SaslUsers.ParseList(list));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("other", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PLAIN,SCRAM-SHA-512", 2)]
    [InlineData("", 3)]
    public void Mechanism_list_should_default_to_all_three_when_empty(string list, int count) =>
        Assert.Equal(count, SaslUsers.ParseMechanisms(list).Count);

    [Fact]
    public void Mechanism_list_should_be_refused_when_it_names_an_unsupported_mechanism() =>
        Assert.Contains("must be some of", Assert.Throws<ArgumentException>(() => SaslUsers.ParseMechanisms("PLAIN,GSSAPI")).Message, StringComparison.Ordinal);
}
