using System.Security.Cryptography;
using System.Text;

namespace ZesRec.DevBroker.Sasl;

/// <summary>
/// The users a SASL listener accepts and the mechanisms it offers. PLAIN compares against the password; SCRAM
/// against a credential derived once per user and hash at start (4096 PBKDF2 rounds are too slow to repeat per
/// connection).
/// </summary>
internal sealed class SaslUsers
{
    public static readonly IReadOnlyList<string> AllMechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

    private readonly Dictionary<string, byte[]> _passwords;
    private readonly Dictionary<(string User, string Mechanism), ScramCredential> _scram = [];

    public SaslUsers(IReadOnlyDictionary<string, string> passwords, IReadOnlyList<string> mechanisms)
    {
        if (passwords.Count == 0)
        {
            throw new ArgumentException("A SASL listener needs at least one user.");
        }

        Mechanisms = mechanisms;
        _passwords = passwords.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value), StringComparer.Ordinal);
        foreach (var hash in mechanisms.Select(ScramHash.ForMechanism).OfType<ScramHash>())
        {
            foreach (var (user, password) in passwords)
            {
                _scram[(user, hash.Mechanism)] = ScramCredential.Create(hash, password);
            }
        }
    }

    public IReadOnlyList<string> Mechanisms { get; }

    public IEnumerable<string> Names => _passwords.Keys;

    /// <summary>
    /// Reads "user:password,user:password": a password runs from the first colon to the next comma, so it may hold
    /// colons but not commas.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ParseList(string text)
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == entry.Length - 1)
            {
                // Never echo the entry: it holds a password.
                throw new ArgumentException($"SASL users are 'user:password' pairs separated by commas; entry {users.Count + 1} is not.");
            }

            var user = entry[..colon];
            if (!users.TryAdd(user, entry[(colon + 1)..]))
            {
                throw new ArgumentException($"SASL user '{user}' is listed more than once.");
            }
        }

        return users;
    }

    /// <summary>Reads "PLAIN,SCRAM-SHA-512"; empty or null means all of <see cref="AllMechanisms"/>.</summary>
    public static IReadOnlyList<string> ParseMechanisms(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return AllMechanisms;
        }

        var mechanisms = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return mechanisms.Length > 0 && mechanisms.All(AllMechanisms.Contains)
            ? mechanisms.Distinct().ToList()
            : throw new ArgumentException($"SASL mechanisms must be some of {string.Join(", ", AllMechanisms)}; got '{text}'.");
    }

    /// <summary>A fresh server for one connection's exchange, or null when the mechanism is not offered.</summary>
    public ISaslServer? ServerFor(string mechanism)
    {
        if (!Mechanisms.Contains(mechanism))
        {
            return null;
        }

        var hash = ScramHash.ForMechanism(mechanism);
        return hash is null
            ? new PlainServer(PasswordMatches)
            : new ScramServer(hash, user => _scram.GetValueOrDefault((user, hash.Mechanism)), ScramServer.RandomNonce);
    }

    private bool PasswordMatches(string user, ReadOnlySpan<byte> password) =>
        _passwords.TryGetValue(user, out var expected) && CryptographicOperations.FixedTimeEquals(expected, password);
}
