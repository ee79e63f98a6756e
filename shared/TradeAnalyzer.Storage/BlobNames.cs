namespace TradeAnalyzer.Storage;

/// <summary>
/// Blob name rules shared by every store. Blob names are never file paths: names with "..", "." or empty
/// segments, a leading '/', drive letters, backslashes, control characters or more than 1024 characters are
/// rejected, so a name can never escape the local store's root.
/// </summary>
public static class BlobNames
{
    /// <summary>Maximum length of a blob name (Azure's limit).</summary>
    public const int MaxLength = 1024;

    /// <summary>True when <paramref name="name"/> is an acceptable blob name.</summary>
    public static bool IsValid(string? name) => Problem(name) is null;

    /// <summary>Returns <paramref name="name"/> when valid, otherwise throws <see cref="ArgumentException"/>.</summary>
    public static string Validate(string? name)
    {
        var problem = Problem(name);
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid blob name: {problem}.", nameof(name));
        }

        return name!;
    }

    /// <summary>True when <paramref name="prefix"/> may be used as a listing prefix (empty allowed, trailing '/' allowed).</summary>
    public static bool IsValidPrefix(string? prefix)
    {
        return string.IsNullOrEmpty(prefix) || Problem(prefix + "x") is null;
    }

    /// <summary>Why a name is invalid, or null when it is valid.</summary>
    internal static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the name is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"the name is longer than {MaxLength} characters";
        }

        if (name[0] == '/')
        {
            return "the name is absolute (starts with '/')";
        }

        if (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0]))
        {
            return "the name starts with a drive letter";
        }

        var segmentStart = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            if (i < name.Length)
            {
                var c = name[i];
                if (c == '\\')
                {
                    return "the name contains a backslash";
                }

                if (char.IsControl(c) || c == '\uFFFE' || c == '\uFFFF')
                {
                    return "the name contains a control character";
                }

                if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1])) && !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(name[i - 1])))
                {
                    return "the name contains an unpaired surrogate";
                }

                if (c != '/')
                {
                    continue;
                }
            }

            var length = i - segmentStart;
            if (length == 0)
            {
                return "the name has an empty segment";
            }

            if ((length == 1 && name[segmentStart] == '.') || (length == 2 && name[segmentStart] == '.' && name[segmentStart + 1] == '.'))
            {
                return "the name has a '.' or '..' segment";
            }

            if (name[i - 1] == '.' || name[i - 1] == ' ')
            {
                return "a segment ends with '.' or a space";
            }

            segmentStart = i + 1;
        }

        return null;
    }
}
