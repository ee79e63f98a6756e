using System.Text;

namespace TradeAnalyzer.Storage;

/// <summary>
/// A small OData $filter builder for the Table service. Values are always emitted as quoted string literals
/// with single quotes doubled, and property names must be identifiers, so user values can never change the
/// shape of the filter.
/// </summary>
public sealed class TableFilter
{
    private readonly StringBuilder text = new();

    /// <summary>The filter text so far.</summary>
    public override string ToString() => text.ToString();

    /// <summary>Adds "property op 'value'" (joined with "and" to previous clauses).</summary>
    /// <param name="property">An identifier such as PartitionKey or RowKey.</param>
    /// <param name="op">One of eq, ne, gt, ge, lt, le.</param>
    /// <param name="value">Any string; quoted and escaped.</param>
    public TableFilter And(string property, string op, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (op is not ("eq" or "ne" or "gt" or "ge" or "lt" or "le"))
        {
            throw new ArgumentException("Comparison must be eq, ne, gt, ge, lt or le.", nameof(op));
        }

        StorageNames.ValidateFilterProperty(property);
        if (text.Length > 0)
        {
            text.Append(" and ");
        }

        text.Append(property).Append(' ').Append(op).Append(' ').Append(Quote(value));
        return this;
    }

    /// <summary>An OData string literal: the value in single quotes with embedded quotes doubled.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }
}
