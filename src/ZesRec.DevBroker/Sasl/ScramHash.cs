using System.Security.Cryptography;
using System.Text;

namespace ZesRec.DevBroker.Sasl;

/// <summary>
/// The hash of a SCRAM mechanism and the functions RFC 5802 builds on it: H, HMAC and Hi (PBKDF2 with the hash's
/// output length).
/// </summary>
internal sealed class ScramHash
{
    public static readonly ScramHash Sha256 = new("SCRAM-SHA-256", HashAlgorithmName.SHA256);
    public static readonly ScramHash Sha512 = new("SCRAM-SHA-512", HashAlgorithmName.SHA512);

    private ScramHash(string mechanism, HashAlgorithmName algorithm)
    {
        Mechanism = mechanism;
        Algorithm = algorithm;
    }

    public string Mechanism { get; }

    public HashAlgorithmName Algorithm { get; }

    public static ScramHash? ForMechanism(string mechanism) => mechanism switch
    {
        "SCRAM-SHA-256" => Sha256,
        "SCRAM-SHA-512" => Sha512,
        _ => null,
    };

    public byte[] Hash(ReadOnlySpan<byte> data) => Algorithm == HashAlgorithmName.SHA256 ? SHA256.HashData(data) : SHA512.HashData(data);

    public byte[] Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) =>
        Algorithm == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(key, data) : HMACSHA512.HashData(key, data);

    public byte[] Hmac(ReadOnlySpan<byte> key, string data) => Hmac(key, Encoding.UTF8.GetBytes(data));

    /// <summary>Hi(password, salt, i): the salted password.</summary>
    public byte[] Hi(string password, ReadOnlySpan<byte> salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, Algorithm, Algorithm == HashAlgorithmName.SHA256 ? 32 : 64);
}
