using System.Security.Cryptography;
using System.Text;
using HubSimulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HubSimulator.Admin;

/// <summary>
/// The admin side's protection, for every route (API, pages, event streams): open on loopback for the demo; with a
/// token (required by <see cref="SimulatorOptionsValidator"/> on any other address) every request presents it as
/// <c>Authorization: Bearer {token}</c>, or once as <c>?token=</c> in a browser, which sets an HttpOnly cookie.
/// </summary>
public static class AdminToken
{
    /// <summary>The cookie a browser keeps the token in after <c>?token=</c>.</summary>
    public const string CookieName = "hubsim-token";

    const string QueryName = "token";

    /// <summary>Adds the token check in front of every endpoint when a token is configured.</summary>
    public static IApplicationBuilder UseAdminToken(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetRequiredService<IOptions<SimulatorOptions>>().Value.ResolvedAdminToken() is not { } token)
        {
            return app;
        }

        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return app.Use(async (context, next) =>
        {
            var (presented, fromQuery) = Presented(context.Request);
            if (presented is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), expected))
            {
                if (fromQuery)
                {
                    context.Response.Cookies.Append(CookieName, presented, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict });
                }

                await next(context);
                return;
            }

            context.Response.Headers.WWWAuthenticate = "Bearer";
            await AdminErrors.WriteAsync(context.Response, StatusCodes.Status401Unauthorized,
                "The admin API needs its token: send 'Authorization: Bearer <Simulator__AdminToken>' (CLI: --token or Simulator__AdminToken).");
        });
    }

    static (string? Token, bool FromQuery) Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (header["Bearer ".Length..].Trim(), false);
        }

        if (request.Query.TryGetValue(QueryName, out var query) && query.Count == 1)
        {
            return (query[0], true);
        }

        return (request.Cookies.TryGetValue(CookieName, out var cookie) ? cookie : null, false);
    }
}
