import HTTPTypes
import Hummingbird
import Logging

/// Answers every error in OpenAI's shape: ``OpenAIError`` as it is, Hummingbird's own errors (an
/// unknown route, a wrong method) with their status, anything else as a 500 that names no detail.
struct OpenAIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as OpenAIError {
            return error.response
        } catch let error as any HTTPResponseError {
            let message = error.status == .notFound ? "unknown route \(request.uri.path)" : error.status.reasonPhrase
            return OpenAIError(status: error.status, message: message).response
        } catch {
            context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))"])
            return OpenAIError(status: .internalServerError, message: "the server failed", type: "server_error")
                .response
        }
    }
}
