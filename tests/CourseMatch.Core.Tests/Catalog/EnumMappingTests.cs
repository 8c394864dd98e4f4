using CourseMatch.Data;
using CourseMatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CourseMatch.Tests.Catalog;

/// <summary>
/// Enums cross SQL as their member names (EF's converter writes them, hand-written SQL reads them with
/// <see cref="DbEnum"/> and names them with nameof). Every member of every stored enum must survive the trip.
/// </summary>
public class EnumMappingTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task EveryStoredEnumMemberIsWrittenAsItsNameAndReadBackAsItself()
    {
        await using var db = fixture.Db.Context();
        var columns = db.Model.GetEntityTypes()
            .SelectMany(t => t.GetProperties())
            .Where(p => (Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType).IsEnum)
            .ToList();
        Assert.Contains(columns, p => p.ClrType == typeof(CourseMatch.Catalog.CourseFormat));
        Assert.Contains(columns, p => p.ClrType == typeof(CourseMatch.Recommendations.FeedbackKind));

        var read = typeof(DbEnum).GetMethod(nameof(DbEnum.GetEnum))!;
        foreach (var column in columns)
        {
            var type = Nullable.GetUnderlyingType(column.ClrType) ?? column.ClrType;
            var converter = column.GetTypeMapping().Converter ?? throw new InvalidOperationException($"{column.Name} has no converter");
            foreach (var member in Enum.GetValues(type))
            {
                var stored = Assert.IsType<string>(converter.ConvertToProvider(member));
                Assert.Equal(member.ToString(), stored);
                Assert.True(stored.Length <= (column.GetMaxLength() ?? int.MaxValue), $"{type.Name}.{member} does not fit {column.Name}");

                await using var cmd = fixture.Db.Source.CreateCommand("SELECT $1::text");
                cmd.Parameters.Add(new() { Value = stored });
                await using var reader = await cmd.ExecuteReaderAsync();
                Assert.True(await reader.ReadAsync());
                Assert.Equal(member, read.MakeGenericMethod(type).Invoke(null, [reader, 0]));
            }
        }
    }

    [Fact]
    public async Task AStoredValueThatIsNoMemberIsAnErrorNamingTheColumn()
    {
        await using var cmd = fixture.Db.Source.CreateCommand("SELECT 'Telepathic'::text AS format");
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var e = Assert.Throws<InvalidDataException>(() => reader.GetEnum<CourseMatch.Catalog.CourseFormat>(0));
        Assert.Contains("format", e.Message);
        Assert.Contains("Telepathic", e.Message);
    }
}
