namespace Alerting.Channels;

/// <summary>
/// Label and annotation values an attacker who can post alerts might send to get markup into a chat message:
/// links, images, mentions of every platform, HTML, markdown structure, invisible and direction characters, and
/// strings far over every channel's limit. Shared by every channel's escaping test.
/// </summary>
internal static class HostileCorpus
{
    public static readonly IReadOnlyList<string> Strings =
    [
        // Links and images.
        "[click](http://evil.example/1)",
        "[Silence 1h](http://evil.example/silence)",
        "![img](http://evil.example/pixel.png)",
        "[x](javascript:alert(1))",
        "[x]( javascript:alert(1) )",
        "<http://evil.example/auto>",
        "<https://evil.example|Silence for 24h>",
        "[ref][1]\n\n[1]: http://evil.example/ref",
        "[Acknowledge](<http://evil.example/a b>)",
        "**[bold link](http://evil.example/b)**",
        "[nested [brackets]](http://evil.example/n)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        // Mentions.
        "@all",
        "@here please look",
        "@channel",
        "@everyone",
        "ping @zhangsan now",
        "<!channel>",
        "<!here|here>",
        "<!everyone>",
        "<!subteam^S123|oncall>",
        "<@U123>",
        "<@U123|boss>",
        "<#C123|general>",
        "<@&987654321>",
        "<at id=all></at>",
        "<at user_id=\"ou_123\">Tom</at>",
        "<@zhangsan>",
        // HTML.
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"http://evil.example\">Silence</a>",
        "<b>PWN</b> <i>x</i> <u>y</u>",
        "<font color=\"warning\">red</font>",
        "<iframe src=\"http://evil.example\"></iframe>",
        "<svg onload=alert(1)>",
        "\"><script>alert(1)</script>",
        "<tg-spoiler>secret</tg-spoiler> <code>c</code> <pre>p</pre>",
        "&lt;b&gt;already escaped&lt;/b&gt; &amp; &#60;at id=all&#62;",
        // Markdown structure.
        "# Heading",
        "## Fake title\n### Sub",
        "line\n# header after newline",
        "Title\n=====",
        "Title\n-----",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "> quoted\n> more",
        "**bold** *italic* __under__ ~~strike~~",
        "`code` ```block```",
        "- list\n+ plus\n* star\n1. one",
        "\\[escaped\\](http://evil.example/e)",
        "a | b | c",
        "---",
        // Invisible and direction characters.
        "zero\u200Bwidth\u200C\u200D\uFEFF[l](http://evil.example/zw)",
        "@\u200Ball",
        "\u202Egnp.exe\u202C [rtl](http://evil.example/rtl)",
        "\u2066isolate\u2069 \u200Fmark\u200E",
        "[\u200Bclick\u200B](http://evil.example/zw2)",
        // Fake buttons and mixed.
        "Silence 1h | Silence 4h | Acknowledge",
        "[View](http://evil.example/v) | [Silence 1h](http://evil.example/s) | [Acknowledge](http://evil.example/a)",
        "C:\\path\\to\\file *.log",
        "disk <full> & fast",
        // Large.
        new string('[', 2000) + "x](http://evil.example/big)",
        string.Concat(Enumerable.Repeat("[a](http://evil.example/) @all <b>x</b> ", 2600)),
        string.Concat(Enumerable.Repeat("A", 100 * 1024)),
    ];

    /// <summary>Strings longer than this may be cut or dropped by a channel's size limit; only the absence of markup is required.</summary>
    public const int Long = 1500;
}
