using Azure.Core;
using Azure.Core.Pipeline;
using TradeAnalyzer.Storage;
using TradeAnalyzer.Storage.AzureRest;

namespace TradeAnalyzer.UnitTests.Storage;

/// <summary>The Shared Key strings-to-sign, line by line (Blob and Table service formats).</summary>
public sealed class SharedKeyTests
{
    private static readonly StorageAccount Account = StorageAccount.Development(10000, 10002);

    private static Request NewRequest(RequestMethod method, string uri)
    {
        var pipeline = HttpPipelineBuilder.Build(new StorageClientOptions());
        var request = pipeline.CreateRequest();
        request.Method = method;
        request.Uri.Reset(new Uri(uri));
        return request;
    }

    [Fact]
    public void Blob_string_to_sign_has_standard_headers_sorted_ms_headers_and_sorted_query()
    {
        var request = NewRequest(RequestMethod.Put, "http://127.0.0.1:10000/devstoreaccount1/incoming/a%20b.csv?comp=block&blockid=QQ%3D%3D");
        request.Headers.SetValue("x-ms-version", "2021-08-06");
        request.Headers.SetValue("x-ms-date", "Tue, 01 Dec 2026 10:00:00 GMT");
        request.Headers.SetValue("X-MS-Meta-Kind", "  declarations ");
        request.Headers.SetValue("If-Match", "\"0x1\"");
        request.Content = RequestContent.Create(new byte[] { 1, 2, 3 });
        var expected = string.Join('\n',
            "PUT", string.Empty, string.Empty, "3", string.Empty, string.Empty, string.Empty, string.Empty, "\"0x1\"", string.Empty, string.Empty, string.Empty,
            "x-ms-date:Tue, 01 Dec 2026 10:00:00 GMT",
            "x-ms-meta-kind:declarations",
            "x-ms-version:2021-08-06",
            "/devstoreaccount1/devstoreaccount1/incoming/a%20b.csv",
            "blockid:QQ==",
            "comp:block");
        Assert.Equal(expected, new SharedKeyPolicy(Account).BlobStringToSign(request));
    }

    [Fact]
    public void Zero_length_content_signs_an_empty_content_length()
    {
        var request = NewRequest(RequestMethod.Put, "http://127.0.0.1:10000/devstoreaccount1/reports?restype=container");
        request.Content = RequestContent.Create(Array.Empty<byte>());
        var lines = new SharedKeyPolicy(Account).BlobStringToSign(request).Split('\n');
        Assert.Equal(string.Empty, lines[3]);
        Assert.Equal("/devstoreaccount1/devstoreaccount1/reports", lines[^2]);
        Assert.Equal("restype:container", lines[^1]);
    }

    [Fact]
    public void Table_string_to_sign_keeps_only_comp_from_the_query()
    {
        var request = NewRequest(RequestMethod.Get, "http://127.0.0.1:10002/devstoreaccount1/Flags()?$filter=PartitionKey%20eq%20%27w%27&$top=10");
        request.Headers.SetValue("Content-Type", "application/json");
        Assert.Equal(
            "GET\n\napplication/json\nTue, 01 Dec 2026 10:00:00 GMT\n/devstoreaccount1/devstoreaccount1/Flags()",
            new SharedKeyPolicy(Account).TableStringToSign(request, "Tue, 01 Dec 2026 10:00:00 GMT"));
    }

    [Fact]
    public void Entity_paths_double_quotes_and_percent_encode_keys()
    {
        Assert.Equal("/Flags(PartitionKey='o%27%27brien',RowKey='a%20b')", AzureTableStore.EntityPath("Flags", "o'brien", "a b"));
    }
}
