//! One bit per screen pixel: at far zoom thousands of boxes fall on the same pixel, and only
//! the first needs drawing.

pub struct PixelMask {
    width: usize,
    height: usize,
    bits: Vec<u64>,
}

impl PixelMask {
    pub fn new(width: f64, height: f64) -> PixelMask {
        let width = width.max(0.0).ceil() as usize;
        let height = height.max(0.0).ceil() as usize;
        PixelMask {
            width,
            height,
            bits: vec![0; (width * height).div_ceil(64)],
        }
    }

    /// Marks the pixel at screen point `(x, y)`; true if it was free. Points off screen are
    /// never free.
    pub fn claim(&mut self, x: f64, y: f64) -> bool {
        if !(x >= 0.0 && y >= 0.0) {
            return false;
        }
        let (col, row) = (x as usize, y as usize);
        if col >= self.width || row >= self.height {
            return false;
        }
        let idx = row * self.width + col;
        let (word, bit) = (idx / 64, 1u64 << (idx % 64));
        match self.bits.get_mut(word) {
            Some(slot) if *slot & bit == 0 => {
                *slot |= bit;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pixel_is_claimed_once() {
        let mut mask = PixelMask::new(10.0, 5.0);
        assert!(mask.claim(3.2, 4.9));
        assert!(!mask.claim(3.7, 4.1));
        assert!(mask.claim(4.0, 4.0));
        assert!(mask.claim(9.5, 0.0));
        assert!(!mask.claim(10.0, 0.0));
        assert!(!mask.claim(-0.5, 1.0));
        assert!(!mask.claim(f64::NAN, 1.0));
    }
}
