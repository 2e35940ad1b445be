namespace Alerting.Core.Notifications;

public sealed class GroupKeyHashTests
{
    [Theory]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    // Computed with sha256sum over the key's bytes.
    [InlineData("{}:{alertname=\"RetryProbe\"}", "2bbbaf42c64fd38f1b646066ca0a489fbbafc1befdd28be83ef3e858da7cc494")]
    public void Hash_is_lowercase_hex_sha256_of_the_key(string key, string expected) =>
        Assert.Equal(expected, GroupKeyHash.Hash(key));

    [Fact]
    public void Hash_uses_utf8_bytes() =>
        // "é" is C3 A9 in UTF-8; SHA-256 of those two bytes.
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(new byte[] { 0xC3, 0xA9 })),
            GroupKeyHash.Hash("é"));
}
