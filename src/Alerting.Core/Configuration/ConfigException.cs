namespace Alerting.Core.Configuration;

/// <summary>One problem in a config file: <c>alerting.yml:14: route.routes[2].receiver: receiver "ops" is not defined</c>.</summary>
public sealed record ConfigError(string File, int Line, string Field, string Message)
{
    /// <summary><c>file:line: field: message</c>; line 0 means the file as a whole (it could not be read).</summary>
    public override string ToString() =>
        (Line > 0 ? $"{File}:{Line}: " : $"{File}: ") + (Field.Length == 0 ? Message : $"{Field}: {Message}");
}

/// <summary>The config did not load. <see cref="Exception.Message"/> lists every error, one a line, in file order.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors) : Exception(string.Join('\n', errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
