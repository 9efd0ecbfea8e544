import Hummingbird

/// Counts and times every answered request in ``ServerMetrics``, by route (a path the server
/// serves, or `other`, so unknown paths cannot grow the number of series) and status.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let routes: Set<String>

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let route = routes.contains(request.uri.path) ? request.uri.path : "other"
        metrics.request(route: route, status: response.status.code, duration: ContinuousClock.now - started)
        return response
    }
}
