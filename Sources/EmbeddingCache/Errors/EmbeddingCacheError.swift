/// The one error type of embcache's libraries.
///
/// It carries a ``code`` to switch on, a message for people, the input and namespace involved, and
/// the backend error that caused it. Neither the message nor any description ever contains input
/// bytes, input text or tensor values: only names, paths, shapes and counts.
///
/// ```swift
/// do {
///     _ = try await cache.records(for: inputs)
/// } catch let error as EmbeddingCacheError where error.code == .invalidEncoderOutput {
///     print(error.debugDescription)
/// }
/// ```
public struct EmbeddingCacheError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, as a value that new cases can be added to without breaking `switch`.
    public var code: Code
    /// A sentence for people; names the input or store involved but never its content.
    public var message: String
    /// The input involved, as the caller labelled it (a path, an index, a sample id).
    public var input: String?
    /// The namespace involved, in its printed form.
    public var namespace: String?
    /// The error that caused this one, such as a database or file-system error.
    public var underlying: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: A sentence for people, without input content.
    ///   - input: The label of the input involved.
    ///   - namespace: The namespace involved.
    ///   - underlying: The error that caused this one.
    public init(
        _ code: Code,
        _ message: String,
        input: String? = nil,
        namespace: Namespace? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.input = input
        self.namespace = namespace?.description
        self.underlying = underlying
    }

    /// A generic summary: the code and the message.
    public var description: String { "\(code): \(message)" }

    /// The summary plus the input, namespace and underlying error.
    public var debugDescription: String {
        var text = description
        if let input { text += " [input: \(input)]" }
        if let namespace { text += " [namespace: \(namespace)]" }
        if let underlying { text += " [underlying: \(String(describing: underlying))]" }
        return text
    }

    /// Returns a copy of this error that names `input`, unless it already names one.
    func labelled(_ label: String) -> EmbeddingCacheError {
        var copy = self
        if copy.input == nil { copy.input = label }
        return copy
    }
}

extension EmbeddingCacheError {
    /// The kinds of failure, as a struct so that new codes do not break callers' `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case inputUnreadable = "input unreadable"
            case invalidInput = "invalid input"
            case encoderFailed = "encoder failed"
            case invalidEncoderOutput = "invalid encoder output"
            case encoderIdentityChanged = "encoder identity changed"
            case storeFailed = "store failed"
            case storeIncompatible = "store incompatible"
            case storeFull = "store full"
            case storeDamaged = "store damaged"
            case corruptRecord = "corrupt record"
            case invalidArgument = "invalid argument"
            case unsupported = "unsupported"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// An input file is missing or cannot be read.
        public static let inputUnreadable = Code(.inputUnreadable)
        /// An input is malformed for the encoder or the operation.
        public static let invalidInput = Code(.invalidInput)
        /// The encoder failed, for one item or for a whole batch.
        public static let encoderFailed = Code(.encoderFailed)
        /// The encoder returned the wrong count, names, dtypes or shapes, or non-finite values.
        public static let invalidEncoderOutput = Code(.invalidEncoderOutput)
        /// The encoder's model or preprocessing identity is no longer the one the call began with.
        ///
        /// Records served earlier in the call were looked up under the old identity, so the engine
        /// fails the whole call rather than the batch alone.
        public static let encoderIdentityChanged = Code(.encoderIdentityChanged)
        /// The store failed to read or write.
        public static let storeFailed = Code(.storeFailed)
        /// The store's file is not an embcache store, or was written by a newer version.
        public static let storeIncompatible = Code(.storeIncompatible)
        /// The store's disk is full.
        public static let storeFull = Code(.storeFull)
        /// The store's file is damaged: its structure, not only a record, cannot be read.
        ///
        /// For a SQLite store, `embcache verify --repair` rebuilds it from the records that can
        /// still be read.
        public static let storeDamaged = Code(.storeDamaged)
        /// A stored record failed its checksum or could not be decoded.
        public static let corruptRecord = Code(.corruptRecord)
        /// An argument, configuration or specification is invalid.
        public static let invalidArgument = Code(.invalidArgument)
        /// The operation is not supported by this store, encoder or format.
        public static let unsupported = Code(.unsupported)

        /// The code's name, such as `invalid encoder output`.
        public var description: String { base.rawValue }
    }
}
