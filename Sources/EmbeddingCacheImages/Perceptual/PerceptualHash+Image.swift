extension PerceptualHash {
    /// The DCT for pHash: 32×32 pixels in, the top-left 8×8 frequencies out.
    private static let dct = LowFrequencyDCT(inputSize: 32, size: 8)

    /// Hashes an image as Python's `imagehash` does (`phash` or `dhash`, hash size 8).
    ///
    /// The image is converted to greyscale as Pillow's `convert("L")` does (alpha ignored, a
    /// 16-bit sample taken by its high byte) and resized as Pillow's Lanczos `resize` does, in the
    /// same fixed-point arithmetic, so on 8-bit images the hashes agree with `imagehash`'s bit for
    /// bit except where two DCT coefficients tie with the median (flat or exactly symmetric
    /// pictures), whose bits follow floating-point noise.
    ///
    /// ```swift
    /// let hash = PerceptualHash(of: image, algorithm: .phash)
    /// print(hash.hex)   // what str(imagehash.phash(PIL.Image.open(path))) prints
    /// ```
    ///
    /// - Parameters:
    ///   - image: A decoded image.
    ///   - algorithm: `phash` (the default) or `dhash`.
    /// - Complexity: O(width × height) for the greyscale conversion and the resize.
    public init(of image: DecodedImage, algorithm: Algorithm = .phash) {
        let luma = LumaPlane(image)
        switch algorithm {
        case .phash: self = Self.phash(of: luma)
        case .dhash: self = Self.dhash(of: luma)
        }
    }

    /// `imagehash.phash`: a 32×32 resize, the 2-D DCT-II, and whether each of the top-left 8×8
    /// coefficients lies above their median (the mean of the middle two).
    ///
    /// A coefficient within rounding error of the median (closer than a billionth of the largest
    /// coefficient) counts as equal to it, so not above: such ties come from symmetric pictures,
    /// where the exact DCT has coefficients equal to the median, and scipy's FFT finds them exact.
    static func phash(of luma: LumaPlane) -> PerceptualHash {
        let coefficients = dct.coefficients(of: luma.resized(width: 32, height: 32))
        let sorted = coefficients.sorted()
        let median = (sorted[31] + sorted[32]) / 2
        let tolerance = 1e-9 * max(1, coefficients.map(abs).max() ?? 0)
        return packing(coefficients.lazy.map { $0 - median > tolerance })
    }

    /// `imagehash.dhash`: a 9×8 resize, and whether each pixel right of the first column is
    /// brighter than its left neighbour.
    static func dhash(of luma: LumaPlane) -> PerceptualHash {
        let small = luma.resized(width: 9, height: 8)
        return packing((0..<8).lazy.flatMap { y in (1..<9).lazy.map { x in small[x, y] > small[x - 1, y] } })
    }
}
