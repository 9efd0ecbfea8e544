import EmbeddingCache
public import EmbeddingCacheImages
import FoundationEssentials

/// A stand-in for the study's corpus, generated: 10 classes × 20 objects × 8 views of
/// 224 × 224 PNG renders, flat shaded objects on white backgrounds, a quarter of them small.
///
/// Every image is a pure function of the seed and its index, so any subset can be rendered alone
/// and the same seed always gives the same bytes. Classes are ``SyntheticShape``s; within a class,
/// objects differ in colour, size, proportions and pose; views turn the object in a ring.
///
/// ```swift
/// let corpus = SyntheticCorpus(seed: 7)
/// let sources = WorkloadSource.spread(corpus.sources(), count: 800)   // every other image
/// let image = corpus.image(at: 0)            // disc/disc-00-view0.png
/// ```
public struct SyntheticCorpus: Sendable {
    /// The classes, one per shape.
    public static let classes = SyntheticShape.allCases
    /// Objects per class.
    public static let objectsPerClass = 20
    /// Views per object.
    public static let viewsPerObject = 8
    /// The images' width and height.
    public static let size = 224
    /// Images in the corpus: 1 600.
    public static let count = classes.count * objectsPerClass * viewsPerObject

    /// The seed every object is drawn from.
    public let seed: UInt64

    /// Creates the corpus of `seed`.
    ///
    /// - Parameter seed: Any number; the same seed gives the same images.
    public init(seed: UInt64 = 0) { self.seed = seed }

    /// The class of image `index`.
    public func shape(at index: Int) -> SyntheticShape {
        Self.classes[index / (Self.objectsPerClass * Self.viewsPerObject)]
    }

    /// The path of image `index` in a folder of the corpus: `CLASS/CLASS-OBJECT-viewVIEW.png`.
    public func name(at index: Int) -> String {
        let object = index / Self.viewsPerObject % Self.objectsPerClass
        let shape = shape(at: index).rawValue
        return "\(shape)/\(shape)-\(object < 10 ? "0" : "")\(object)-view\(index % Self.viewsPerObject).png"
    }

    /// Renders image `index` (0 ..< ``count``).
    ///
    /// - Parameter index: The image.
    /// - Returns: A 224 × 224 8-bit RGB image.
    public func image(at index: Int) -> DecodedImage {
        let objectIndex = index / Self.viewsPerObject
        var generator = SplitMix64(seed: seed ^ (UInt64(objectIndex) &* 0x9E37_79B9_7F4A_7C15))
        let object = SyntheticObject(shape: shape(at: index), generator: &generator)
        let pixels = object.render(view: index % Self.viewsPerObject, of: Self.viewsPerObject, size: Self.size)
        return DecodedImage(width: Self.size, height: Self.size, layout: .rgb, bitDepth: 8, pixels: Data(pixels))
    }

    /// Every image of the corpus as a PNG source grouped by class, in corpus order; each is
    /// rendered and encoded only when its bytes are asked for.
    ///
    /// - Returns: ``count`` sources.
    public func sources() -> [WorkloadSource] {
        (0..<Self.count).map { index in
            WorkloadSource(name: name(at: index), group: shape(at: index).rawValue) {
                try PNGWriter().encode(image(at: index))
            }
        }
    }
}
