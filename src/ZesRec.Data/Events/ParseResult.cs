using System.Diagnostics.CodeAnalysis;

namespace ZesRec.Data.Events;

/// <summary>Either the event or why it was rejected. A struct: the parser runs on every message.</summary>
public readonly record struct ParseResult<T>
    where T : class
{
    private ParseResult(T? @event, string? reasonCode, string? reason)
    {
        Event = @event;
        ReasonCode = reasonCode;
        Reason = reason;
    }

    public T? Event { get; }

    /// <summary>One of <see cref="ReasonCodes"/>.</summary>
    public string? ReasonCode { get; }

    /// <summary>What is wrong, as a sentence for the person who will fix the producer.</summary>
    public string? Reason { get; }

    [MemberNotNullWhen(true, nameof(Event))]
    [MemberNotNullWhen(false, nameof(ReasonCode), nameof(Reason))]
    public bool IsValid
    {
        get
        {
            if (Event is not null)
            {
                return true;
            }

            return ReasonCode is not null && Reason is not null
                ? false
                : throw new InvalidOperationException("a default ParseResult holds neither an event nor a reason");
        }
    }

    public static ParseResult<T> Ok(T @event) => new(@event ?? throw new ArgumentNullException(nameof(@event)), null, null);

    public static ParseResult<T> Fail(string reasonCode, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reasonCode);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new(null, reasonCode, reason);
    }

    public override string ToString() => IsValid ? $"ok: {Event}" : $"{ReasonCode}: {Reason}";
}
