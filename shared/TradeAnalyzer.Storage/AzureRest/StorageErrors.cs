using System.Text.Json;
using Azure;

namespace TradeAnalyzer.Storage.AzureRest;

/// <summary>
/// Turns error responses into <see cref="StorageException"/>/<see cref="StorageConflictException"/> carrying
/// status and service error code. The service's message is deliberately not copied: for authentication
/// failures it echoes the string-to-sign.
/// </summary>
internal static class StorageErrors
{
    public static StorageException Create(Response response, string operation, string target)
    {
        var code = ErrorCode(response);
        var message = $"{operation} {target} failed: {response.Status} {code ?? response.ReasonPhrase}.";
        return response.Status is 409 or 412
            ? new StorageConflictException(response.Status, code, message)
            : new StorageException(response.Status, code, message);
    }

    /// <summary>The x-ms-error-code header, or the OData JSON error's code, or the XML error's code.</summary>
    public static string? ErrorCode(Response response)
    {
        if (response.Headers.TryGetValue("x-ms-error-code", out var header) && !string.IsNullOrEmpty(header))
        {
            return header;
        }

        try
        {
            var body = response.Content;
            if (body is null || body.ToMemory().Length == 0)
            {
                return null;
            }

            var text = body.ToString();
            if (text.TrimStart().StartsWith('{'))
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.TryGetProperty("odata.error", out var error) && error.TryGetProperty("code", out var code))
                {
                    return code.GetString();
                }
            }
            else
            {
                var start = text.IndexOf("<Code>", StringComparison.Ordinal);
                var end = text.IndexOf("</Code>", StringComparison.Ordinal);
                if (start >= 0 && end > start)
                {
                    return text[(start + 6)..end];
                }
            }
        }
        catch (JsonException)
        {
        }
        catch (InvalidOperationException)
        {
        }

        return null;
    }
}
