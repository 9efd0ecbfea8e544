public import FoundationEssentials

/// A dense, contiguous, little-endian array of any rank: a dtype, a shape and the bytes.
///
/// Tensors read from a store may share memory with it (a mapped file) rather than copy it; the
/// bytes stay valid for as long as the tensor lives.
///
/// ```swift
/// let embedding = Tensor(float32: vector, shape: [384])
/// let mask = try Tensor(dtype: .bool, shape: [seq], data: maskBytes)
/// ```
public struct Tensor: Hashable, Sendable {
    /// The element type.
    public let dtype: DType
    /// The size of each dimension; empty for a scalar.
    public let shape: [Int]
    /// The elements, little-endian, row-major, `elementCount * dtype.byteWidth` bytes.
    public let data: Data

    /// Creates a tensor from its raw bytes.
    ///
    /// - Parameters:
    ///   - dtype: The element type.
    ///   - shape: The dimensions, at most ``maximumRank`` of them; each must be zero or more.
    ///   - data: Exactly `shape.product * dtype.byteWidth` little-endian bytes.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` when the byte count does not match,
    ///   the rank is over ``maximumRank``, or the byte count of the shape overflows.
    public init(dtype: DType, shape: [Int], data: Data) throws(EmbeddingCacheError) {
        guard shape.count <= Tensor.maximumRank else {
            throw EmbeddingCacheError(
                .invalidArgument,
                "a tensor has rank \(shape.count); at most \(Tensor.maximumRank) dimensions are stored"
            )
        }
        guard let count = Tensor.elementCount(of: shape),
            case (let bytes, false) = count.multipliedReportingOverflow(by: dtype.byteWidth), bytes == data.count
        else {
            throw EmbeddingCacheError(
                .invalidArgument,
                "tensor of dtype \(dtype) and shape \(shape) cannot hold \(data.count) bytes"
            )
        }
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// Creates a float32 tensor from values.
    ///
    /// - Parameters:
    ///   - values: The elements in row-major order.
    ///   - shape: The dimensions; defaults to a vector of `values.count`.
    /// - Precondition: The shape's element count equals `values.count`.
    public init(float32 values: [Float], shape: [Int]? = nil) {
        let shape = shape ?? [values.count]
        precondition(
            Tensor.elementCount(of: shape) == values.count,
            "shape \(shape) does not fit \(values.count) values"
        )
        self.dtype = .float32
        self.shape = shape
        self.data = values.withUnsafeBytes { Data($0) }
    }

    init(unchecked dtype: DType, shape: [Int], data: Data) {
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// The number of elements: the product of the shape (1 for a scalar).
    public var elementCount: Int { data.count / dtype.byteWidth }

    /// The elements as `Float`, converting from any float or integer dtype.
    ///
    /// - Complexity: O(n); allocates the result.
    public func floatValues() -> [Float] {
        FloatConversion.floats(from: self)
    }

    /// The most dimensions a stored tensor may have: the record encoding keeps the rank in one byte.
    public static let maximumRank = 255

    /// The product of `shape`, or `nil` for a negative dimension or an overflowing product.
    static func elementCount(of shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }
}
