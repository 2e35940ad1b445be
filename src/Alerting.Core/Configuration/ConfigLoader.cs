using System.Security.Cryptography;
using System.Text;
using Alerting.Core.Matching;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Alerting.Core.Configuration;

/// <summary>
/// Loads an unmodified Alertmanager 0.25 alertmanager.yml (plus our extensions) with Alertmanager's
/// validation. Nodes are mapped by hand so that every error names file, line and field.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Reads and loads a file; relative template and credential file paths are resolved against its folder.</summary>
    /// <param name="channels">The channels the host implements: their keys are read, other integrations' are refused or skipped as in Alertmanager.</param>
    /// <param name="syntax">Label names and matcher parsing (default: Alertmanager's default mode); its warnings become the load's.</param>
    internal static AlertingConfig LoadFile(string path, IReadOnlyList<ChannelReader> channels, MatcherSyntax? syntax = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : e.Message;
            throw new ConfigException([new ConfigError(path, 0, "", $"cannot read configuration: {reason}")]);
        }
        return Load(text, path, Path.GetDirectoryName(Path.GetFullPath(path)), channels, syntax);
    }

    /// <summary>Loads YAML text; <paramref name="fileName"/> is only used in messages.</summary>
    internal static AlertingConfig Load(string yamlText, string fileName, IReadOnlyList<ChannelReader> channels, MatcherSyntax? syntax = null) =>
        Load(yamlText, fileName, null, channels, syntax);

    private static AlertingConfig Load(string text, string fileName, string? baseDirectory, IReadOnlyList<ChannelReader> channels, MatcherSyntax? syntax)
    {
        var ctx = new LoadContext(fileName, baseDirectory, syntax);
        var stream = Parse(text, fileName);
        var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        if (Yaml.IsNull(root))
        {
            throw new ConfigException([new ConfigError(fileName, 1, "", "no route provided in config")]);
        }

        var top = MapReader.Of(ctx, root, "");
        AlertingConfig? config = null;
        if (top is not null)
        {
            config = new ConfigMapper(ctx, channels).Map(top);
        }
        if (ctx.Errors.Count > 0 || config is null)
        {
            throw new ConfigException([.. ctx.Errors.OrderBy(e => e.Line)]);
        }

        return config with
        {
            FileName = fileName,
            Original = text,
            Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
            Warnings = [.. ctx.Warnings.OrderBy(w => w.Line).Select(w => w.ToString())],
            MaskedYaml = SecretMasker.MaskedYaml(stream, channels),
        };
    }

    internal static YamlStream Parse(string text, string fileName)
    {
        var stream = new YamlStream();
        var parser = new TrackingParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(new MergingParser(parser));
        }
        catch (YamlException e)
        {
            var line = e.Start.Line > 0 ? (int)e.Start.Line : parser.Line;
            var message = e.InnerException is { } inner && e.Message.Contains("(Line:", StringComparison.Ordinal) ? inner.Message : e.Message;
            throw new ConfigException([new ConfigError(fileName, line, "", "invalid YAML: " + StripMark(message))]);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            // The scanner gives up without a position on some inputs; the last event read is close enough.
            throw new ConfigException([new ConfigError(fileName, parser.Line, "", "invalid YAML: " + e.Message)]);
        }
        return stream;
    }

    // YamlDotNet prefixes "(Line: 3, Col: 1, Idx: 10) - (Line: ...): "; the line is already in our prefix.
    private static string StripMark(string message)
    {
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && i > 0 ? message[(i + 3)..] : message;
    }

    /// <summary>Remembers where parsing got to, for errors that come without a position.</summary>
    private sealed class TrackingParser(IParser inner) : IParser
    {
        public int Line { get; private set; } = 1;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var moved = inner.MoveNext();
            if (moved && inner.Current is { } current)
            {
                Line = (int)Math.Min(current.End.Line, int.MaxValue);
            }
            return moved;
        }
    }
}
