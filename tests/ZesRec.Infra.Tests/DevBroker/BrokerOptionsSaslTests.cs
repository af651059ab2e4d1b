using ZesRec.DevBroker;

namespace ZesRec.Infra.Tests.DevBroker;

public sealed class BrokerOptionsSaslTests
{
    [Fact]
    public void Users_should_come_from_the_environment_when_no_flag_names_them()
    {
        var options = BrokerOptions.Parse([], name => name == "ZESREC_KAFKA_SASL_USERS" ? "app:pw" : null);

        Assert.Equal("pw", options.SaslUsers!["app"]);
        Assert.Equal(3, options.SaslMechanisms!.Count);
    }

    [Fact]
    public void Flags_should_override_the_environment()
    {
        var options = BrokerOptions.Parse(["--sasl-users", "cli:pw2", "--sasl-mechanisms", "SCRAM-SHA-512"], name => name == "ZESREC_KAFKA_SASL_USERS" ? "app:pw" : null);

        Assert.Equal(["cli"], options.SaslUsers!.Keys);
        Assert.Equal(["SCRAM-SHA-512"], options.SaslMechanisms!);
    }

    [Fact]
    public void No_users_should_mean_no_SASL_and_mechanisms_alone_should_be_refused()
    {
        Assert.Null(BrokerOptions.Parse([], _ => null).SaslUsers);
        var error = Assert.Throws<ArgumentException>(() => BrokerOptions.Parse(["--sasl-mechanisms", "PLAIN"], _ => null));
        Assert.Contains("needs --sasl-users", error.Message, StringComparison.Ordinal);
    }
}
