using CourseMatch.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

namespace CourseMatch;

/// <summary>Lets `dotnet ef migrations add` build the model without a running database or web host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<CourseMatchDb>
{
    public CourseMatchDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<CourseMatchDb>();
        CourseMatchDb.Configure(options, NpgsqlDataSource.Create("Host=localhost;Database=coursematch_design"));
        return new CourseMatchDb(options.Options);
    }
}
