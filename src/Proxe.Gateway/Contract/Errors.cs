namespace Proxe.Gateway.Contract;

/// <summary>
/// The gateway's one validation idiom: problems by field path (snake_case, as the caller sent it), in the shape
/// <c>TypedResults.ValidationProblem</c> takes.
/// </summary>
public sealed class Errors
{
    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    public IEnumerable<string> Fields => _byField.Keys;

    public void Add(string field, string problem)
    {
        if (!_byField.TryGetValue(field, out var problems))
            _byField[field] = problems = [];
        problems.Add(problem);
        Count++;
    }

    public Dictionary<string, string[]> ToDictionary() => _byField.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>"field: problem" lines, for answers that carry one detail text (provider webhooks).</summary>
    public override string ToString() => string.Join(" ", _byField.SelectMany(e => e.Value.Select(p => $"{e.Key}: {p}")));
}
