using CourseMatch.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CourseMatch.E2E;

[Collection(nameof(BrowserCollection))]
public class AccountJourneys(BrowserApp app)
{
    [Fact]
    public async Task AdminSignsInFromTheProtectedPageAndLandsBackOnIt()
    {
        var (email, password) = await app.CreateUserAsync(Roles.Admin);
        var page = await app.NewPageAsync();
        await page.GotoAsync("/admin");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login\\?ReturnUrl=%2Fadmin"));
        await page.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("sign-in.png") });
        await page.AssertAccessibleAsync("sign-in form");

        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("a wrong password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // The page's own message; the layout's (hidden) error banner is an alert too, and counts as shown until the styles load.
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "do not match an account" })).ToBeVisibleAsync();
        await page.AssertAccessibleAsync("after a wrong password");

        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Admin", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator(".who")).ToHaveTextAsync(email);
        await page.AssertAccessibleAsync("signed in as admin");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GotoAsync("/admin");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
    }
}
