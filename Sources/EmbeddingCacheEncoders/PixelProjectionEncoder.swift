internal import Dispatch
public import EmbeddingCache
public import EmbeddingCacheImages

/// `builtin:pixel-projection`: a deterministic float32 embedding of an image's decoded pixels.
///
/// Each input is decoded (PNG or JPEG, EXIF orientation applied) and preprocessed in three
/// documented steps, then projected:
///
/// 1. **8-bit RGB**: 16-bit samples become `(v + 128) / 257` (rounded to nearest), grey is copied
///    to all three channels, alpha is dropped (as Pillow's `convert("RGB")` does).
/// 2. **Area-average resize** to `size` × `size`, ignoring the aspect ratio: each output pixel is
///    the mean of the source area it covers, source pixels weighted by the fraction of them that
///    lies inside it (Pillow's `Image.BOX` filter). Means are not rounded.
/// 3. **Centring**: each value `v` becomes `(v − 127.5) / 127.5`, in [-1, 1].
///
/// The `size` × `size` × 3 values, row by row and RGB within a pixel, are multiplied by a fixed
/// `dim` × (`size`² × 3) matrix whose entries are uniform in [-1, 1), drawn row by row from
/// SplitMix64 seeded with `seed`, and the result is scaled to unit length. Identical pixels give
/// identical vectors whatever the file's bytes; similar pictures give similar vectors.
///
/// The namespace carries every parameter that changes the output (`dim`, `seed`, `size`, the
/// conversion, filter and scaling); `cost-ms` and `batch` do not change it. The encoder reads
/// only decoded pixels (``inputView`` is ``EncoderInputView/decodedPixels``), so a pixel-level
/// second key is safe in front of it. The matrix is built once, on first use, and shared; items of
/// a batch are encoded on every core.
///
/// ```swift
/// let encoder = try PixelProjectionEncoder(size: 32, dimension: 128)
/// let cache = EmbeddingCache(store: store, encoder: encoder)
/// ```
public struct PixelProjectionEncoder: EmbeddingEncoder {
    /// The side of the resized square image (`size`).
    public let size: Int
    /// The vector length (`dim`).
    public let dimension: Int
    /// The seed of the projection matrix (`seed`).
    public let seed: UInt64
    /// The emulated cost per item, in milliseconds (`cost-ms`).
    public let costMilliseconds: Double
    /// The preferred batch size (`batch`).
    public let preferredBatchSize: Int
    /// The decoder, with its limits.
    public let decoder: ImageDecoder
    private let projection: ProjectionMatrix

    /// The largest projection matrix, in entries (`dim` × `size`² × 3): 256 MiB of float32.
    public static let maxMatrixEntries = 1 << 26

    /// Creates the encoder.
    ///
    /// - Parameters:
    ///   - size: The side of the resized image, at least 1.
    ///   - dimension: The vector length, at least 1.
    ///   - seed: The seed of the projection matrix.
    ///   - costMilliseconds: The emulated per-item cost, slept per batch, not part of the identity.
    ///   - batchSize: The preferred batch size, at least 1.
    ///   - decoder: The decoder, with its limits.
    /// - Throws: ``EmbeddingCacheError/Code/invalidArgument`` for a size, dimension or batch size
    ///   below 1, a negative cost, or a matrix of more than ``maxMatrixEntries`` entries.
    public init(
        size: Int = 64,
        dimension: Int = 384,
        seed: UInt64 = 0,
        costMilliseconds: Double = 0,
        batchSize: Int = 64,
        decoder: ImageDecoder = ImageDecoder()
    ) throws(EmbeddingCacheError) {
        guard size >= 1, dimension >= 1, batchSize >= 1, costMilliseconds >= 0 else {
            throw EmbeddingCacheError(
                .invalidArgument,
                "builtin:pixel-projection needs size, dim and batch of at least 1 and cost-ms of at least 0"
            )
        }
        let inputs = size.multipliedReportingOverflow(by: size * 3)
        let entries = inputs.partialValue.multipliedReportingOverflow(by: dimension)
        guard !inputs.overflow, !entries.overflow, entries.partialValue <= Self.maxMatrixEntries else {
            throw EmbeddingCacheError(
                .invalidArgument,
                "builtin:pixel-projection with size=\(size) and dim=\(dimension) needs a projection matrix "
                    + "of dim × size² × 3 entries, above the limit of \(Self.maxMatrixEntries)"
            )
        }
        self.size = size
        self.dimension = dimension
        self.seed = seed
        self.costMilliseconds = costMilliseconds
        self.preferredBatchSize = batchSize
        self.decoder = decoder
        projection = ProjectionMatrix(rows: dimension, columns: inputs.partialValue, seed: seed)
    }

    /// `builtin:pixel-projection/v1?dim=D&seed=S`, with the preprocessing spelled out, such as
    /// `decoded-upright;rgb8(16bit=round,grey=replicate,alpha=drop);area-resize=64x64;centre=(v-127.5)/127.5`.
    public var namespace: Namespace {
        Namespace(
            model: "builtin:pixel-projection/v1?dim=\(dimension)&seed=\(seed)",
            preprocessing: "decoded-upright;rgb8(16bit=round,grey=replicate,alpha=drop);"
                + "area-resize=\(size)x\(size);centre=(v-127.5)/127.5"
        )
    }

    /// One float32 tensor `embedding` of shape `[dim]`.
    public var schema: RecordSchema { .embedding(dimension: dimension) }

    /// ``EncoderInputView/decodedPixels``: the vector depends on the pixels only.
    public var inputView: EncoderInputView { .decodedPixels }

    /// Embeds each input on every core; sleeps `cost-ms` per item first. An input that does not
    /// decode fails alone, with the decoder's error naming it.
    public func encode(_ batch: [EncoderInput]) async throws -> [Result<TensorRecord, EmbeddingCacheError>] {
        if costMilliseconds > 0 {
            try await Task.sleep(for: .milliseconds(costMilliseconds * Double(batch.count)))
        }
        let matrix = projection.entries
        // Each index is written by exactly one iteration and read after all of them return.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Result<TensorRecord, EmbeddingCacheError>>
            .allocate(capacity: batch.count)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: batch.count) { index in
            let input = batch[index]
            let result = Result { () throws(EmbeddingCacheError) -> TensorRecord in
                let image = try decoder.decode(input.bytes, label: input.label)
                return TensorRecord(single: Tensor(float32: ProjectionMatrix.project(features(of: image), by: matrix)))
            }
            (results.baseAddress! + index).initialize(to: result)
        }
        defer { results.deinitialize() }
        return Array(results)
    }

    /// The centred, resized RGB values the matrix multiplies.
    private func features(of image: DecodedImage) -> [Float] {
        AreaResize.rgb8(image, side: size).map { ($0 - 127.5) / 127.5 }
    }
}
