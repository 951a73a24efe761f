using System.Security.Cryptography;
using System.Text;

namespace Proxe.Bench.Workload;

/// <summary>
/// Marks everything one benchmark run writes, so runs against the same database never collide and the run's rows
/// can be counted: the id is in every external id and session key, the phone tag in every customer phone.
/// </summary>
public sealed record BenchRun(string Id, int PhoneTag)
{
    public const int MaxLeads = 100_000;

    static readonly HashSet<int> TakenPhoneTags = [];

    /// <summary>
    /// A new run, whose phone tag no other run of this process has: two runs with one tag share their customers' phones,
    /// hence their leads, and each one's audit then counts the other's messages (the fault tool's CI run on 0e16097 failed
    /// so, one fault's 100 leads shared with an earlier fault's).
    /// </summary>
    public static BenchRun New()
    {
        int tag;
        lock (TakenPhoneTags)
            do
                tag = RandomNumberGenerator.GetInt32(1000, 10_000);
            while (!TakenPhoneTags.Add(tag));
        return new(RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 8), tag);
    }

    /// <summary>Every external_event_id of the run is this prefix plus a number.</summary>
    public string ExternalIdPrefix => $"bench-{Id}-";

    /// <summary>A 10-digit Indian mobile number: 9, the tag, the lead number.</summary>
    public string NationalPhone(int lead) => $"9{PhoneTag:D4}{lead:D5}";

    /// <summary>What the gateway stores for the lead (brand region IN): country code and national number, digits only.</summary>
    public string NormalizedPhone(int lead) => "91" + NationalPhone(lead);

    /// <summary>Twilio-shaped call ids of the run ("CA" + 32 hex digits): the tag, the lead, the call.</summary>
    public string CallSid(int lead, int call) => $"{CallSidPrefix}{lead:D12}{call:D12}";

    /// <summary>Every CallSid of the run, hence every voice event id of provider webhooks, starts with it.</summary>
    public string CallSidPrefix => "CA" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(Id)))[..8];

    /// <summary>Every normalized phone of the run starts with it.</summary>
    public string PhonePrefix => $"919{PhoneTag:D4}";
}
