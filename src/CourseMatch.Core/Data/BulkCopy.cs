using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace CourseMatch.Data;

/// <summary>
/// Inserts many new rows of one entity type with PostgreSQL's binary COPY, on the context's connection and transaction.
/// EF Core sends one INSERT per row, which PostgreSQL parses, plans and checks one by one; for an import of 100,000
/// courses that is most of the time (ADR 0013). The columns, their store types and value converters come from the EF
/// model, so the table is still described once.
/// </summary>
/// <remarks>
/// New ids are drawn from the table's own sequence first and set on the entities, so dependants can point at them.
/// Columns PostgreSQL computes (generated columns, xmin) are left to it; nothing is read back. The change tracker is
/// not involved: the rows are not tracked afterwards.
/// </remarks>
public static class BulkCopy
{
    public static async Task InsertAsync<T>(CourseMatchDb db, IReadOnlyList<T> rows, CancellationToken ct = default) where T : class
    {
        if (rows.Count == 0) return;
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = entity.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await db.Database.OpenConnectionAsync(ct);

        // A single generated key (an identity column) gets its values from the column's sequence, as INSERT would.
        if (entity.FindPrimaryKey()?.Properties is [{ ValueGenerated: ValueGenerated.OnAdd } key] && key.ClrType == typeof(int))
        {
            var column = key.GetColumnName(store)!;
            await using var next = new NpgsqlCommand(
                $"SELECT nextval(pg_get_serial_sequence('{table}', '{column}'))::int FROM generate_series(1, $1)", connection);
            next.Parameters.Add(new NpgsqlParameter<int> { TypedValue = rows.Count });
            var ids = new List<int>(rows.Count);
            await using (var reader = await next.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt32(0));
            var setter = key.PropertyInfo ?? throw new InvalidOperationException($"{typeof(T).Name}.{key.Name} has no property to set.");
            for (var i = 0; i < rows.Count; i++) setter.SetValue(rows[i], ids[i]);
        }

        var columns = entity.GetProperties()
            .Where(p => p.GetComputedColumnSql(store) is null && !p.IsConcurrencyToken && p.GetColumnName(store) is not null)
            .Select(p => (Property: p, Name: p.GetColumnName(store)!, Getter: p.GetGetter(), Mapping: p.GetRelationalTypeMapping()))
            .ToList();
        var copy = $"COPY {Quote(table)} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await connection.BeginBinaryImportAsync(copy, ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            foreach (var (_, _, getter, mapping) in columns)
            {
                var value = getter.GetClrValue(row);
                if (value is not null && mapping.Converter is { } converter) value = converter.ConvertToProvider(value);
                if (value is null) await importer.WriteNullAsync(ct);
                else await importer.WriteAsync(value, TypeName(mapping.StoreType), ct);
            }
        }
        await importer.CompleteAsync(ct);
    }

    /// <summary>The store type without its facets: "numeric(12,2)" is written as "numeric", "character varying(200)[]" as "character varying[]".</summary>
    private static string TypeName(string storeType) => System.Text.RegularExpressions.Regex.Replace(storeType, @"\s*\([^)]*\)", "");

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
