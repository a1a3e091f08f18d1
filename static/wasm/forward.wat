;; The page's forward pass over the map grid, four grid points at a time (WebAssembly SIMD).
;; static/js/kernel.js runs it when the browser can; forward.js's own loops do the same
;; operations in the same order when not. Activations without a row here (elu, softplus,
;; gelu, swish, sine) get code 0 and are applied by forward.js afterwards.
;;
;; Rebuild forward.wasm after a change (tests/outputs/test_forward_kernel.py checks they match):
;;   python -c "import pathlib, wasmtime; p = pathlib.Path('static/wasm'); (p / 'forward.wasm').write_bytes(wasmtime.wat2wasm((p / 'forward.wat').read_text()))"
(module
  (memory (export "memory") 1)

  ;; tanh as a rational function (Eigen's float32 approximation, within 5e-7 of tanh in float32).
  (func $tanh (param $x v128) (result v128)
    (local $x2 v128) (local $p v128) (local $q v128)
    (local.set $x
      (f32x4.min (f32x4.max (local.get $x) (v128.const f32x4 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805))
                 (v128.const f32x4 7.90531110763549805 7.90531110763549805 7.90531110763549805 7.90531110763549805)))
    (local.set $x2 (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $x2) (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16))
                             (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $x2) (local.get $p)) (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $x2) (local.get $p)) (v128.const f32x4 5.12229709037114e-08 5.12229709037114e-08 5.12229709037114e-08 5.12229709037114e-08)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $x2) (local.get $p)) (v128.const f32x4 1.48572235717979e-05 1.48572235717979e-05 1.48572235717979e-05 1.48572235717979e-05)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $x2) (local.get $p)) (v128.const f32x4 6.37261928875436e-04 6.37261928875436e-04 6.37261928875436e-04 6.37261928875436e-04)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $x2) (local.get $p)) (v128.const f32x4 4.89352455891786e-03 4.89352455891786e-03 4.89352455891786e-03 4.89352455891786e-03)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $x2) (v128.const f32x4 1.19825839466702e-06 1.19825839466702e-06 1.19825839466702e-06 1.19825839466702e-06))
                             (v128.const f32x4 1.18534705686654e-04 1.18534705686654e-04 1.18534705686654e-04 1.18534705686654e-04)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $x2) (local.get $q)) (v128.const f32x4 2.26843463243900e-03 2.26843463243900e-03 2.26843463243900e-03 2.26843463243900e-03)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $x2) (local.get $q)) (v128.const f32x4 4.89352518554385e-03 4.89352518554385e-03 4.89352518554385e-03 4.89352518554385e-03)))
    (f32x4.div (f32x4.mul (local.get $x) (local.get $p)) (local.get $q)))

  ;; Values saturate at +-1e30, as on the server: a huge weight makes a flat map; NaN goes low.
  (func $clip (param $v v128) (result v128)
    (local.set $v (v128.bitselect (v128.const f32x4 1e30 1e30 1e30 1e30) (local.get $v)
                                  (f32x4.gt (local.get $v) (v128.const f32x4 1e30 1e30 1e30 1e30))))
    (v128.bitselect (local.get $v) (v128.const f32x4 -1e30 -1e30 -1e30 -1e30)
                    (f32x4.ge (local.get $v) (v128.const f32x4 -1e30 -1e30 -1e30 -1e30))))

  ;; 0 none, 1 relu, 2 leaky_relu, 3 tanh, 4 sigmoid (0.5 tanh(z/2) + 0.5), 5 step.
  (func $activate (param $v v128) (param $act i32) (param $slope v128) (result v128)
    (local $positive v128)
    (local.set $positive (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0)))
    (block $other
      (block $step
        (block $sigmoid
          (block $tanh
            (block $leaky
              (block $relu
                (br_table $other $relu $leaky $tanh $sigmoid $step $other (local.get $act)))
              (return (v128.and (local.get $v) (local.get $positive))))
            (return (v128.bitselect (local.get $v) (f32x4.mul (local.get $v) (local.get $slope)) (local.get $positive))))
          (return (call $tanh (local.get $v))))
        (return (f32x4.add (f32x4.mul (call $tanh (f32x4.mul (local.get $v) (v128.const f32x4 0.5 0.5 0.5 0.5)))
                                      (v128.const f32x4 0.5 0.5 0.5 0.5))
                           (v128.const f32x4 0.5 0.5 0.5 0.5))))
      (return (v128.and (v128.const f32x4 1 1 1 1) (local.get $positive))))
    (local.get $v))

  ;; One dense layer over n grid points (n a multiple of 4), unit-major float32 arrays at byte
  ;; offsets: z[j n + p] = act(clip(b[j] + sum_i w[i fanOut + j] a[i n + p])).
  (func (export "dense")
    (param $a i32) (param $fanIn i32) (param $w i32) (param $b i32) (param $z i32) (param $fanOut i32)
    (param $n i32) (param $act i32) (param $slope f32)
    (local $row i32) (local $j i32) (local $p i32) (local $i i32) (local $src i32) (local $weight i32)
    (local $dst i32) (local $acc v128) (local $bias v128) (local $slopes v128)
    (local.set $row (i32.shl (local.get $n) (i32.const 2)))
    (local.set $slopes (f32x4.splat (local.get $slope)))
    (block $units
      (loop $unit
        (br_if $units (i32.ge_u (local.get $j) (local.get $fanOut)))
        (local.set $bias (v128.load32_splat (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $dst (i32.add (local.get $z) (i32.mul (local.get $j) (local.get $row))))
        (local.set $p (i32.const 0))
        (block $points
          (loop $point
            (br_if $points (i32.ge_u (local.get $p) (local.get $row)))
            (local.set $acc (local.get $bias))
            (local.set $src (i32.add (local.get $a) (local.get $p)))
            (local.set $weight (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $i (i32.const 0))
            (block $inputs
              (loop $input
                (br_if $inputs (i32.ge_u (local.get $i) (local.get $fanIn)))
                (local.set $acc (f32x4.add (local.get $acc)
                                           (f32x4.mul (v128.load32_splat (local.get $weight)) (v128.load (local.get $src)))))
                (local.set $src (i32.add (local.get $src) (local.get $row)))
                (local.set $weight (i32.add (local.get $weight) (i32.shl (local.get $fanOut) (i32.const 2))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $input)))
            (v128.store (i32.add (local.get $dst) (local.get $p))
                        (call $activate (call $clip (local.get $acc)) (local.get $act) (local.get $slopes)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $point)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $unit))))
)
