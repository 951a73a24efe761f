using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Proxe.Deploy.Tests;

/// <summary>The repository's files and the external tools that read them.</summary>
public static class Repo
{
    public static readonly string Root = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Every YAML document of a text, as JSON nodes (scalars as strings, as YAML leaves them untyped).</summary>
    public static IReadOnlyList<JsonNode> YamlDocuments(string yaml)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<YamlDotNet.Core.Events.StreamStart>();
        var documents = new List<JsonNode>();
        while (parser.Accept<YamlDotNet.Core.Events.DocumentStart>(out _))
        {
            var value = deserializer.Deserialize<object>(parser);
            if (value is not null)
                documents.Add(JsonNode.Parse(JsonSerializer.Serialize(value))!);
        }
        return documents;
    }

    /// <summary>Runs a program to its end; a missing program fails the test with what to install.</summary>
    public static (int ExitCode, string Output) Run(string program, string arguments, string installHint,
        IDictionary<string, string>? environment = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = workingDirectory ?? Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"'{program}' cannot be run ({ex.Message}): {installHint}", ex);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {arguments} did not finish in time");
            }
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Proxe.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Proxe.sln not found above " + AppContext.BaseDirectory);
    }
}
