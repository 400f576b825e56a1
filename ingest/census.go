package ingest

import "context"

// censusFull is the input size up to which Open reads a whole file to
// learn its tables; bigger files are sampled.
const censusFull = 8 << 20

func (s *Set) census() error {
	for _, in := range s.inputs {
		st := &scanState{set: s, census: true}
		if in.size > censusFull {
			st.limited = true
		}
		in.tables = map[string]bool{}
		fs, err := st.scanInput(context.Background(), in, nil, 1)
		if err != nil {
			return err
		}
		for name, t := range fs.Tables {
			if t.Records > 0 {
				in.tables[name] = true
			}
		}
		in.complete = !st.limited
	}
	return nil
}
