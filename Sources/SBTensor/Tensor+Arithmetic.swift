// Differentiable arithmetic with NumPy broadcasting.

extension Tensor {
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        let result = broadcastValues(lhs, rhs, operation: "+", +)
        let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
        return recording(result, inputs: [lhs, rhs]) { gradient in
            [gradient.sumToShape(lhsShape), gradient.sumToShape(rhsShape)]
        }
    }

    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        let result = broadcastValues(lhs, rhs, operation: "-", -)
        let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
        return recording(result, inputs: [lhs, rhs]) { gradient in
            [gradient.sumToShape(lhsShape), gradient.mapValues { -$0 }.sumToShape(rhsShape)]
        }
    }

    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        let result = broadcastValues(lhs, rhs, operation: "*", *)
        let (a, b) = (lhs.detached(), rhs.detached())
        let (needsLHS, needsRHS) = (lhs.requiresGrad, rhs.requiresGrad)
        return recording(result, inputs: [lhs, rhs]) { gradient in
            [
                needsLHS ? broadcastValues(gradient, b, operation: "*", *).sumToShape(a.shape) : nil,
                needsRHS ? broadcastValues(gradient, a, operation: "*", *).sumToShape(b.shape) : nil,
            ]
        }
    }

    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        let result = broadcastValues(lhs, rhs, operation: "/", /)
        let (a, b) = (lhs.detached(), rhs.detached())
        let (needsLHS, needsRHS) = (lhs.requiresGrad, rhs.requiresGrad)
        return recording(result, inputs: [lhs, rhs]) { gradient in
            var gradients: [Tensor?] = [nil, nil]
            if needsLHS { gradients[0] = broadcastValues(gradient, b, operation: "/", /).sumToShape(a.shape) }
            if needsRHS {
                // d(a/b)/db = -a / b²
                let quotient = broadcastValues(a, broadcastValues(b, b, operation: "*", *), operation: "/", /)
                gradients[1] = broadcastValues(gradient, quotient, operation: "*") { -$0 * $1 }.sumToShape(b.shape)
            }
            return gradients
        }
    }

    public static prefix func - (operand: Tensor) -> Tensor {
        recording(operand.mapValues { -$0 }, inputs: [operand]) { gradient in [gradient.mapValues { -$0 }] }
    }

    public static func + (lhs: Tensor, rhs: Float) -> Tensor {
        recording(lhs.mapValues { $0 + rhs }, inputs: [lhs]) { gradient in [gradient] }
    }

    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs + (-rhs) }

    public static func * (lhs: Tensor, rhs: Float) -> Tensor {
        recording(lhs.mapValues { $0 * rhs }, inputs: [lhs]) { gradient in [gradient.mapValues { $0 * rhs }] }
    }

    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs * (1 / rhs) }

    public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs + lhs }

    public static func - (lhs: Float, rhs: Tensor) -> Tensor { -rhs + lhs }

    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs * lhs }

    public static func / (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) / rhs }

    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs = lhs + rhs }
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs - rhs }
    public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs * rhs }
    public static func /= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs / rhs }
    public static func += (lhs: inout Tensor, rhs: Float) { lhs = lhs + rhs }
    public static func -= (lhs: inout Tensor, rhs: Float) { lhs = lhs - rhs }
    public static func *= (lhs: inout Tensor, rhs: Float) { lhs = lhs * rhs }
    public static func /= (lhs: inout Tensor, rhs: Float) { lhs = lhs / rhs }
}

// Comparisons give 1 where the relation holds and 0 elsewhere (for accuracy and masks); they carry
// no gradient.
extension Tensor {
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastValues(lhs, rhs, operation: ".==") { $0 == $1 ? 1 : 0 }
    }
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastValues(lhs, rhs, operation: ".!=") { $0 != $1 ? 1 : 0 }
    }
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastValues(lhs, rhs, operation: ".<") { $0 < $1 ? 1 : 0 }
    }
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastValues(lhs, rhs, operation: ".<=") { $0 <= $1 ? 1 : 0 }
    }
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastValues(lhs, rhs, operation: ".>") { $0 > $1 ? 1 : 0 }
    }
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastValues(lhs, rhs, operation: ".>=") { $0 >= $1 ? 1 : 0 }
    }
    public static func .== (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapValues { $0 == rhs ? 1 : 0 } }
    public static func .> (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapValues { $0 > rhs ? 1 : 0 } }
    public static func .< (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapValues { $0 < rhs ? 1 : 0 } }
}
