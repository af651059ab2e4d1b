using System.Security.Cryptography;

namespace ZesRec.DevBroker.Sasl;

/// <summary>
/// What a SCRAM server keeps of a password (RFC 5802 section 3): salt, iteration count, StoredKey = H(ClientKey) and
/// ServerKey, never the password itself, as a Kafka broker keeps it in its SCRAM credentials.
/// </summary>
internal sealed record ScramCredential(byte[] Salt, int Iterations, byte[] StoredKey, byte[] ServerKey)
{
    /// <summary>Kafka's minimum for SCRAM-SHA-256/512 and the RFC 7677 example's count.</summary>
    public const int DefaultIterations = 4096;

    public static ScramCredential Create(ScramHash hash, string password, byte[]? salt = null, int iterations = DefaultIterations)
    {
        salt ??= RandomNumberGenerator.GetBytes(16);
        var salted = hash.Hi(password, salt, iterations);
        var clientKey = hash.Hmac(salted, "Client Key");
        return new ScramCredential(salt, iterations, hash.Hash(clientKey), hash.Hmac(salted, "Server Key"));
    }
}
