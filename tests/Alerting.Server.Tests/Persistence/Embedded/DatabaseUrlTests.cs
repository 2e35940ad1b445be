using Npgsql;

namespace Alerting.Persistence.Embedded;

public sealed class DatabaseUrlTests
{
    [Fact]
    public void Url_WithEverything_MapsEachPart()
    {
        var result = Parse("postgres://alert%40ops:p%40ss%3Aw%2Frd@db.example.com:6543/alerts?sslmode=require");

        Assert.Equal("db.example.com", result.Host);
        Assert.Equal(6543, result.Port);
        Assert.Equal("alert@ops", result.Username);
        Assert.Equal("p@ss:w/rd", result.Password);
        Assert.Equal("alerts", result.Database);
        Assert.Equal(SslMode.Require, result.SslMode);
    }

    [Fact]
    public void Url_WithoutPortOrPassword_UsesDefaults()
    {
        var result = Parse("postgresql://alerting@localhost/alerting");

        Assert.Equal("localhost", result.Host);
        Assert.Equal(5432, result.Port);
        Assert.Equal("alerting", result.Username);
        Assert.Null(result.Password);
        Assert.Equal("alerting", result.Database);
    }

    [Fact]
    public void Url_WithIpv6Host_DropsBrackets()
    {
        var result = Parse("postgres://u:p@[::1]:5433/d");

        Assert.Equal("::1", result.Host);
        Assert.Equal(5433, result.Port);
    }

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void Url_SslMode_UsesLibpqNames(string sslmode, SslMode expected) =>
        Assert.Equal(expected, Parse($"postgres://u@h/d?sslmode={sslmode}").SslMode);

    [Fact]
    public void Url_OtherLibpqParameters_AreMapped()
    {
        var result = Parse("postgres://u@h/d?application_name=alerting+primary&connect_timeout=7");

        Assert.Equal("alerting primary", result.ApplicationName);
        Assert.Equal(7, result.Timeout);
    }

    [Fact]
    public void ConnectionString_PassesThrough()
    {
        var result = Parse("Host=db;Port=5433;Username=u;Password=p;Database=d;SSL Mode=Disable");

        Assert.Equal("db", result.Host);
        Assert.Equal(5433, result.Port);
        Assert.Equal("u", result.Username);
        Assert.Equal("p", result.Password);
        Assert.Equal("d", result.Database);
        Assert.Equal(SslMode.Disable, result.SslMode);
    }

    [Theory]
    [InlineData("postgres://u@h/d?sslmode=sometimes")]
    [InlineData("postgres://u@h/d?frobnicate=1")]
    [InlineData("postgres://u@h/d?connect_timeout=soon")]
    [InlineData("this is not a connection string")]
    public void Invalid_Throws(string input) =>
        Assert.Throws<FormatException>(() => ConnectionUrl.ToConnectionString(input));

    private static NpgsqlConnectionStringBuilder Parse(string input) =>
        new(ConnectionUrl.ToConnectionString(input));
}
