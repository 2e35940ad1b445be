using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Alerting.Ui;

/// <summary>
/// Encrypts the data-protection keys kept in <c>data_protection_keys</c> (<c>--ui.key-encryption-file</c>): with a
/// certificate when the file is PEM holding one and its private key, else with AES-256-GCM under a key derived from
/// the file's text (at least 32 characters). Whoever reads the table then cannot forge a UI session or form without
/// the file too. Keys stored before encryption was configured stay readable; keys stored encrypted need the file.
/// </summary>
internal static class KeyEncryption
{
    public const int MinSecretLength = 32;

    public static void Configure(IServiceCollection services, IDataProtectionBuilder builder, string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"--ui.key-encryption-file: cannot read \"{file}\": {e.Message}", e);
        }
        if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            X509Certificate2 certificate;
            try
            {
                certificate = X509Certificate2.CreateFromPemFile(file);
            }
            catch (CryptographicException e)
            {
                throw new InvalidOperationException($"--ui.key-encryption-file: \"{file}\" must hold a certificate and its private key: {e.Message}", e);
            }
            builder.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
            return;
        }
        var secret = text.Trim();
        if (secret.Length < MinSecretLength)
        {
            throw new InvalidOperationException($"--ui.key-encryption-file: the key in \"{file}\" must be at least {MinSecretLength} characters (or a PEM certificate with its key)");
        }
        var key = new FileKey(HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, info: "alerting data-protection key encryption"u8.ToArray()));
        services.AddSingleton(key);
        services.Configure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o => o.XmlEncryptor = new FileKeyEncryptor(key));
    }
}

/// <summary>The derived AES key, and an id of it, so a key encrypted under another file says so.</summary>
internal sealed class FileKey(byte[] key)
{
    public byte[] Key => key;

    public string Id { get; } = Convert.ToHexStringLower(SHA256.HashData(key))[..16];
}

internal sealed class FileKeyEncryptor(FileKey key) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var cipher = new byte[plain.Length];
        using (var aes = new AesGcm(key.Key, tag.Length))
        {
            aes.Encrypt(nonce, plain, cipher, tag);
        }
        var element = new XElement("encryptedKey",
            new XComment(" Encrypted with the key of --ui.key-encryption-file (AES-256-GCM). "),
            new XAttribute("keyId", key.Id),
            new XElement("value", Convert.ToBase64String([.. nonce, .. tag, .. cipher])));
        return new EncryptedXmlInfo(element, typeof(FileKeyDecryptor));
    }
}

/// <summary>Made by data protection from the type name stored with each key; it finds the key in the services.</summary>
internal sealed class FileKeyDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = services.GetService<FileKey>()
            ?? throw new CryptographicException("a data-protection key is encrypted, and no --ui.key-encryption-file is configured");
        if ((string?)encryptedElement.Attribute("keyId") != key.Id)
        {
            throw new CryptographicException("a data-protection key was encrypted with another --ui.key-encryption-file");
        }
        var data = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? "");
        var nonceSize = AesGcm.NonceByteSizes.MaxSize;
        var tagSize = AesGcm.TagByteSizes.MaxSize;
        var plain = new byte[data.Length - nonceSize - tagSize];
        using (var aes = new AesGcm(key.Key, tagSize))
        {
            aes.Decrypt(data.AsSpan(0, nonceSize), data.AsSpan(nonceSize + tagSize), data.AsSpan(nonceSize, tagSize), plain);
        }
        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }
}
