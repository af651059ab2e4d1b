namespace ZesRec.Text;

/// <summary>
/// Token ids of a run of texts in one flat array (offset + length per text), so tokenising
/// thousands of texts costs a handful of allocations rather than one array per text.
/// </summary>
internal sealed class TokenizedChunk
{
    private long[] _ids = new long[4096];
    private int[] _offsets = new int[64];
    private int[] _lengths = new int[64];
    private int _used;

    public int Count { get; private set; }

    public void Clear()
    {
        Count = 0;
        _used = 0;
    }

    public void Add(ReadOnlySpan<long> ids)
    {
        if (Count == _offsets.Length)
        {
            Array.Resize(ref _offsets, Count * 2);
            Array.Resize(ref _lengths, Count * 2);
        }
        if (_used + ids.Length > _ids.Length)
        {
            Array.Resize(ref _ids, Math.Max(_ids.Length * 2, _used + ids.Length));
        }
        ids.CopyTo(_ids.AsSpan(_used));
        _offsets[Count] = _used;
        _lengths[Count] = ids.Length;
        _used += ids.Length;
        Count++;
    }

    public int Length(int index) => _lengths[index];

    public ReadOnlySpan<long> Ids(int index) => _ids.AsSpan(_offsets[index], _lengths[index]);
}
