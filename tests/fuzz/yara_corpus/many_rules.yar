rule a1 { condition: true }
rule a2 : T1055 { meta: mitre = "T1055.011" condition: true }
rule a3 { strings: $ = "x" $ = "y" condition: all of them }
rule a4 { strings: $s = "s" xor(1-255) base64 condition: #s > 2 }
rule a5 { condition: for all of ($*) : ( $ at pe.entry_point ) }
rule aVeryLongIdentifierNameaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa { condition: true }
