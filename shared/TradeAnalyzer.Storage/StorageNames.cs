namespace TradeAnalyzer.Storage;

/// <summary>Container, table and entity-key rules shared by every store (Azure's rules).</summary>
internal static class StorageNames
{
    /// <summary>Maximum characters of a partition or row key.</summary>
    public const int MaxKeyLength = 1024;

    /// <summary>Container: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.</summary>
    public static string ValidateContainer(string container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var ok = container.Length is >= 3 and <= 63 && char.IsAsciiLetterOrDigit(container[0]) && char.IsAsciiLetterOrDigit(container[^1]);
        for (var i = 0; ok && i < container.Length; i++)
        {
            var c = container[i];
            ok = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || (c == '-' && container[i - 1] != '-');
        }

        return ok ? container : throw new ArgumentException("Invalid container name: use 3-63 lowercase letters, digits and single hyphens.", nameof(container));
    }

    /// <summary>Table: 3-63 ASCII letters and digits, starting with a letter.</summary>
    public static string ValidateTable(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var ok = table.Length is >= 3 and <= 63 && char.IsAsciiLetter(table[0]);
        for (var i = 1; ok && i < table.Length; i++)
        {
            ok = char.IsAsciiLetterOrDigit(table[i]);
        }

        return ok ? table : throw new ArgumentException("Invalid table name: use 3-63 letters and digits, starting with a letter.", nameof(table));
    }

    /// <summary>Partition/row key: at most 1024 characters, no '/', '\', '#', '?' or control characters.</summary>
    public static string ValidateKey(string? key, string paramName)
    {
        if (key is null)
        {
            throw new ArgumentNullException(paramName);
        }

        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"Invalid {paramName}: longer than {MaxKeyLength} characters.", paramName);
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new ArgumentException($"Invalid {paramName}: '/', '\\', '#', '?' and control characters are not allowed.", paramName);
            }
        }

        return key;
    }

    /// <summary>Property names: C#-identifier-like, at most 255 characters, not a system property.</summary>
    public static void ValidatePropertyName(string name)
    {
        var ok = name.Length is > 0 and <= 255 && (char.IsLetter(name[0]) || name[0] == '_');
        for (var i = 1; ok && i < name.Length; i++)
        {
            ok = char.IsLetterOrDigit(name[i]) || name[i] == '_';
        }

        if (!ok || name is "PartitionKey" or "RowKey" or "Timestamp" or "ETag")
        {
            throw new ArgumentException($"Invalid entity property name '{name}'.", nameof(name));
        }
    }

    /// <summary>Metadata names: C# identifiers (case-insensitive); values printable ASCII.</summary>
    public static void ValidateMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (name, value) in metadata)
        {
            var ok = name.Length is > 0 and <= 255 && (char.IsAsciiLetter(name[0]) || name[0] == '_');
            for (var i = 1; ok && i < name.Length; i++)
            {
                ok = char.IsAsciiLetterOrDigit(name[i]) || name[i] == '_';
            }

            if (!ok)
            {
                throw new ArgumentException($"Invalid metadata name '{name}': use a C# identifier.", nameof(metadata));
            }

            ArgumentNullException.ThrowIfNull(value, nameof(metadata));
            foreach (var c in value)
            {
                if (c < 0x20 || c > 0x7E)
                {
                    throw new ArgumentException($"Invalid metadata value for '{name}': printable ASCII only.", nameof(metadata));
                }
            }
        }
    }

    /// <summary>Checks that a property value has a supported type.</summary>
    public static void ValidatePropertyValue(string name, object? value)
    {
        if (value is null or string or bool or int or long or double or DateTimeOffset or DateTime or Guid or byte[])
        {
            return;
        }

        throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.", nameof(value));
    }

    /// <summary>Filter property names: ASCII identifiers (system properties allowed).</summary>
    public static void ValidateFilterProperty(string property)
    {
        ArgumentNullException.ThrowIfNull(property);
        var ok = property.Length is > 0 and <= 255 && (char.IsAsciiLetter(property[0]) || property[0] == '_');
        for (var i = 1; ok && i < property.Length; i++)
        {
            ok = char.IsAsciiLetterOrDigit(property[i]) || property[i] == '_';
        }

        if (!ok)
        {
            throw new ArgumentException("Filter property names must be identifiers.", nameof(property));
        }
    }
}
