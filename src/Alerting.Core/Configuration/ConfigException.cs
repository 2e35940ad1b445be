namespace Alerting.Configuration;

/// <summary>One problem in a config file: <c>alerting.yml:14: route.routes[2].receiver: receiver "ops" is not defined</c>.</summary>
public sealed record ConfigError(string File, int Line, string Field, string Message)
{
    public override string ToString() =>
        Field.Length == 0 ? $"{File}:{Line}: {Message}" : $"{File}:{Line}: {Field}: {Message}";
}

/// <summary>The config did not load. <see cref="Exception.Message"/> lists every error, one a line, in file order.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors) : Exception(string.Join('\n', errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
